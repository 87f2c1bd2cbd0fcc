// verify.js: check credentials the worker issued with @digitalbazaar/vc
// and the eddsa-rdfc-2022 cryptosuite, every context loaded offline.
//
//	node verify.js FILE...
//
// Prints "FILE OK" or "FILE FAIL reason" for each, and exits 1 when any
// fails.  The proof is checked; a credentialStatus is taken as it stands
// (the status checks have status lists to look at, these do not).
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import fs from 'node:fs';
import {documentLoader} from './loader.js';

const files = process.argv.slice(2);
if(files.length === 0) {
  console.error('usage: node verify.js FILE...');
  process.exit(64);
}
let failed = 0;
for(const file of files) {
  const credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await vc.verifyCredential({credential, suite, documentLoader,
    checkStatus: async () => ({verified: true})});
  if(result.verified === true) {
    console.log(`${file} OK`);
  } else {
    failed++;
    const why = result.error ? String(result.error.message || result.error) : 'not verified';
    console.log(`${file} FAIL ${why.replace(/\s+/g, ' ')}`);
  }
}
process.exit(failed ? 1 : 0);
