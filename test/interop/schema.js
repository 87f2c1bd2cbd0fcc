// schema.js: hold credentials to 1EdTech's Open Badges 3.0
// AchievementCredential JSON Schema (JSON Schema 2019-09), the copy in
// test/data/ob (its README says where it comes from), with ajv and
// ajv-formats.
//
//	node schema.js FILE...
//
// Prints "FILE OK" or "FILE FAIL: the first errors" for each, then a
// "# schema: N of M valid" line; exits 1 when any file is not valid.
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import {fileURLToPath} from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const schema = JSON.parse(fs.readFileSync(
  `${here}/../data/ob/ob_v3p0_achievementcredential_schema.json`, 'utf8'));
// The schema uses keywords of its own ($comment aside), which strict mode
// would refuse; every error is reported.
const ajv = new Ajv2019({strict: false, allErrors: true});
addFormats(ajv);
const validate = ajv.compile(schema);

let valid = 0;
const files = process.argv.slice(2);
for(const file of files) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  if(validate(doc)) {
    valid++;
    console.log(`${file} OK`);
  } else {
    const why = validate.errors.slice(0, 3).map(
      (e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    console.log(`${file} FAIL: ${why}`);
  }
}
console.log(`# schema: ${valid} of ${files.length} valid`);
process.exit(valid === files.length ? 0 : 1);
