// Verify one credential with a real, pinned verifier and print what it found as JSON on standard output.
// Input (standard input, JSON): {"verifier": "verifier-core" | "digitalbazaar", "credential": {...},
//   "suites": ["eddsa-rdfc-2022", "eddsa-jcs-2022"] (digitalbazaar only), "contexts": {url: document}}.
// Nothing but the academy under test (127.0.0.1) is ever fetched: any other URL fails, so the tests never
// depend on the network and a verifier cannot quietly fetch what it should have had.
import {readFileSync} from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
console.log = (...args) => console.error(...args);  // standard output carries only the result
const realFetch = globalThis.fetch;
globalThis.fetch = async (resource, init) => {
  const url = new URL(typeof resource === 'string' ? resource : (resource.url ?? String(resource)));
  if (url.hostname !== '127.0.0.1') {
    throw new Error(`offline test: refusing to fetch ${url.href}`);
  }
  return realFetch(resource, init);
};

function brief(error) {
  if (!error) return null;
  const inner = (error.errors || []).map(brief);
  return {name: error.name, message: error.message, cause: brief(error.cause), errors: inner};
}

async function withVerifierCore(credential) {
  const {verifyCredential} = await import('@digitalcredentials/verifier-core');
  const result = await verifyCredential({credential, knownDIDRegistries: []});
  return {
    errors: (result.errors || []).map(({name, message}) => ({name, message})),
    log: (result.log || []).map(({id, valid, error}) => ({id, valid, error: error ?? null})),
  };
}

async function withDigitalBazaar(credential, suiteNames, contexts) {
  const vc = await import('@digitalbazaar/vc');
  const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
  const {cryptosuite: rdfc} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
  const {createVerifyCryptosuite} = await import('@digitalbazaar/eddsa-jcs-2022-cryptosuite');
  const jcs = createVerifyCryptosuite();
  const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
  const {driver} = await import('@digitalbazaar/did-method-key');
  const {checkStatus} = await import('@digitalbazaar/vc-bitstring-status-list');
  const {securityLoader} = await import('@digitalbazaar/security-document-loader');

  const didKey = driver();
  didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const loader = securityLoader();
  for (const [url, document] of Object.entries(contexts || {})) {
    loader.addStatic(url, document);
  }
  const staticLoader = loader.build();
  const documentLoader = async url => {
    if (url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    }
    if (url.startsWith('http://127.0.0.1:')) {
      const response = await realFetch(url, {headers: {accept: 'application/ld+json, application/json'}});
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
      return {contextUrl: null, documentUrl: url, document: await response.json()};
    }
    return staticLoader(url);
  };
  const known = {'eddsa-rdfc-2022': rdfc, 'eddsa-jcs-2022': jcs};
  const suite = suiteNames.map(name => new DataIntegrityProof({cryptosuite: known[name]}));
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  return {
    verified: result.verified,
    error: brief(result.error),
    proofs: (result.results || []).map(r => ({
      cryptosuite: r.proof?.cryptosuite, verified: r.verified, error: brief(r.error),
    })),
    status: result.statusResult ? {
      verified: result.statusResult.verified,
      error: brief(result.statusResult.error),
      results: (result.statusResult.results || []).map(r => ({status: r.status, verified: r.verified})),
    } : null,
  };
}

let output;
try {
  output = input.verifier === 'verifier-core'
    ? await withVerifierCore(input.credential)
    : await withDigitalBazaar(input.credential, input.suites, input.contexts);
} catch (error) {
  output = {crashed: brief(error)};
}
process.stdout.write(JSON.stringify(output));
