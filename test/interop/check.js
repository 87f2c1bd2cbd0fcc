// check.js: hold credentials made by gen against independent JSON-LD and
// Verifiable Credentials software, every context loaded offline.
//
//	node check.js DIR
//
// For each DIR/NAME.json with NAME.nq and NAME.proof.nq beside it:
// - expanding it with jsonld in safe mode must neither drop nor refuse
//   any property;
// - jsonld.canonize (RDFC-1.0) of the document without its proof must
//   equal NAME.nq byte for byte, and of the proof options NAME.proof.nq;
// - @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite verifies it
//   (at the current time).
// When NAME is a number (gen -n makes those, all valid today), the
// verifier must accept it, and three tampered copies are written beside
// it, NAME-name.json (the recipient's name changed), NAME-date.json (a
// date changed) and NAME-proof.json (one character of proofValue
// changed), which the verifier must reject.
// It prints "FILE OK" or "FILE FAIL" for every credential it verified,
// then "# " summary lines, and exits 1 when any check above went wrong.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import fs from 'node:fs';
import jsonld from 'jsonld';
import path from 'node:path';
import {documentLoader} from './loader.js';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const dir = process.argv[2];
if(!dir) {
  console.error('usage: node check.js DIR');
  process.exit(64);
}

const canonOptions = {
  algorithm: 'RDFC-1.0',
  format: 'application/n-quads',
  base: null,
  safe: true,
  documentLoader
};

// The proof alone: a credentialStatus is the status checks' (status.js),
// so it is taken as it stands here.
async function verify(credential) {
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await vc.verifyCredential({credential, suite, documentLoader,
    checkStatus: async () => ({verified: true})});
  return result.verified === true;
}

// The one proof: an array of one, or (credentials issued before) the
// object alone.
function proofOf(doc) {
  return Array.isArray(doc.proof) ? doc.proof[0] : doc.proof;
}

// An xsd:dateTime moved by some seconds, in the form we write.
function moved(s, seconds) {
  const t = new Date(Date.parse(s) + seconds * 1000);
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function tamperDate(doc, n) {
  switch(n % 4) {
  case 0: doc.validFrom = moved(doc.validFrom, 86400); break;
  case 1: doc.awardedDate = moved(doc.awardedDate, 1); break;
  case 2: proofOf(doc).created = moved(proofOf(doc).created, -1); break;
  default:
    if(doc.validUntil) {
      doc.validUntil = moved(doc.validUntil, -86400);
    } else {
      doc.validFrom = moved(doc.validFrom, -1);
    }
  }
}

function tamperProof(doc, n) {
  const p = proofOf(doc);
  const v = p.proofValue;
  const at = 1 + n * 7 % (v.length - 1);
  const c = BASE58[(BASE58.indexOf(v[at]) + 1 + n % 57) % 58];
  p.proofValue = v.slice(0, at) + c + v.slice(at + 1);
}

const tampers = {
  name: (doc) => { doc.credentialSubject.name += 'x'; },
  date: tamperDate,
  proof: tamperProof
};

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') &&
  fs.existsSync(path.join(dir, f.replace(/\.json$/, '.nq')))).sort();
const numbered = files.filter((f) => /^\d+\.json$/.test(f));
let failures = 0;
const counts = {docs: 0, proofs: 0, safe: 0, accepted: 0, rejected: 0};

function problem(message) {
  console.log(`# ${message}`);
  failures++;
}

for(const file of files) {
  const n = parseInt(file, 10);
  const stem = path.join(dir, file.replace(/\.json$/, ''));
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const doc = JSON.parse(text);

  try {
    await jsonld.expand(doc, {documentLoader, safe: true});
    counts.safe++;
  } catch(e) {
    problem(`${file}: safe-mode expansion refused it: ${e.message}`);
  }

  const {proof: _, ...unsigned} = doc;
  const proof = proofOf(doc);
  const nq = await jsonld.canonize(unsigned, canonOptions);
  if(nq === fs.readFileSync(`${stem}.nq`, 'utf8')) {
    counts.docs++;
  } else {
    problem(`${file}: canonical document differs from ${stem}.nq`);
  }
  const {proofValue, ...options} = proof;
  options['@context'] = doc['@context'];
  const pnq = await jsonld.canonize(options, canonOptions);
  if(pnq === fs.readFileSync(`${stem}.proof.nq`, 'utf8')) {
    counts.proofs++;
  } else {
    problem(`${file}: canonical proof options differ from ` +
      `${stem}.proof.nq`);
  }

  const ok = await verify(doc);
  console.log(`${file} ${ok ? 'OK' : 'FAIL'}`);
  if(!/^\d+$/.test(path.basename(stem))) {
    continue;
  }
  if(ok) {
    counts.accepted++;
  } else {
    problem(`${file}: the verifier rejected it`);
  }

  for(const [what, tamper] of Object.entries(tampers)) {
    const copy = JSON.parse(text);
    tamper(copy, n);
    const name = `${path.basename(stem)}-${what}.json`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify(copy, null, 2));
    const tok = await verify(copy);
    console.log(`${name} ${tok ? 'OK' : 'FAIL'}`);
    if(tok) {
      problem(`${name}: the verifier accepted a tampered copy`);
    } else {
      counts.rejected++;
    }
  }
}

// Safe mode must be able to fail: a property no context defines.
let refused = false;
if(files.length) {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  doc.credentialSubject.nickname = 'x';
  try {
    await jsonld.expand(doc, {documentLoader, safe: true});
  } catch(e) {
    refused = true;
  }
}
if(!refused) {
  problem('safe-mode expansion kept a property no context defines');
}

const total = files.length;
console.log(`# canonical: ${counts.docs} of ${total} documents and ` +
  `${counts.proofs} of ${total} proof options equal jsonld.canonize`);
console.log(`# safe-mode expansion: ${counts.safe} of ${total} clean; ` +
  `an undefined property ${refused ? 'is' : 'is NOT'} refused`);
console.log(`# verifier: ${counts.accepted} of ${numbered.length} ` +
  `generated credentials accepted, ${counts.rejected} of ` +
  `${3 * numbered.length} tampered copies rejected`);
process.exit(failures || total === 0 ? 1 : 0);
