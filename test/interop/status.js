// status.js: check the status of credentials with
// @digitalcredentials/vc-bitstring-status-list, as a verifier on the web
// would, with the lists that org-admin status publish wrote.
//
//	node status.js BASE DIR FILE...
//
// The list at BASE/NAME is served from DIR/NAME, as a static web server
// at BASE serves it; every other document comes from loader.js, and
// nothing is fetched.  The checker loads the credential's
// statusListCredential, verifies its proof (eddsa-rdfc-2022), checks that
// its issuer is the credential's, decodes it and reads the credential's
// bit.  Prints "FILE valid", "FILE revoked" or "FILE FAIL reason" for
// each, a summary line "# status: ..." last, and exits 1 when any could
// not be checked.
import {checkStatus} from '@digitalcredentials/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import fs from 'node:fs';
import path from 'node:path';
import {documentLoader as contexts} from './loader.js';

const [base, dir, ...files] = process.argv.slice(2);
if(!base || !dir || files.length === 0) {
  console.error('usage: node status.js BASE DIR FILE...');
  process.exit(64);
}

const prefix = base.replace(/\/+$/, '') + '/';
const loaded = new Map();
async function documentLoader(url) {
  if(url.startsWith(prefix) && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(
    url.slice(prefix.length))) {
    const file = path.join(dir, url.slice(prefix.length));
    if(!fs.existsSync(file)) {
      throw new Error(`${url}: 404 not found`);
    }
    if(!loaded.has(url)) {
      loaded.set(url, JSON.parse(fs.readFileSync(file, 'utf8')));
    }
    return {contextUrl: null, documentUrl: url, document: loaded.get(url)};
  }
  return contexts(url);
}

const counts = {valid: 0, revoked: 0, FAIL: 0};
for(const file of files) {
  const credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await checkStatus({credential, documentLoader, suite,
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true});
  let verdict;
  if(result.error) {
    const e = result.error;
    verdict = 'FAIL ' + String(e.message || e).replace(/\s+/g, ' ');
  } else {
    verdict = result.verified ? 'valid' : 'revoked';
  }
  counts[verdict.split(' ')[0]]++;
  console.log(`${file} ${verdict}`);
}
console.log(`# status: ${files.length} credentials, ${counts.valid} valid, ` +
  `${counts.revoked} revoked, ${counts.FAIL} not checked`);
process.exit(counts.FAIL ? 1 : 0);
