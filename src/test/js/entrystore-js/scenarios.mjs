// The real EntryStore client, @entryscape/entrystore-js (pinned in package-lock.json), driven
// through its public API against a running taskrunner server, as an EntryScape app in node
// would use it. Run by taskrunner.entryscape.EntryStoreJsTest, which makes the fixture first.
//
//   ESJS_PASSWORD=... node scenarios.mjs '{"store":"http://127.0.0.1:PORT/store/","user":"admin",...}'
//
// It first prints the plan, {"plan":["login",...]}, then runs the scenarios in that order,
// each on its own (one failing does not stop the next; each takes what it needs from the
// fixture, not from an earlier scenario), and prints one JSON line per scenario:
//   {"name":"...","ok":true|false,"error":"...","http":["PUT /store/c/metadata/e [If-Unmodified-Since: ...] -> 412", ...]}
// "http" lists the exchanges the library made during the scenario (no headers but
// If-Unmodified-Since: the Cookie header carries the token). The exit status is 0 once every
// scenario has printed its line, whatever their outcome.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntryStore, EntryStoreUtil, types } from '@entryscape/entrystore-js';

const F = JSON.parse(process.argv[2]);
const PASSWORD = process.env.ESJS_PASSWORD;
const SCENARIO_MS = 20000; // the library's own response timeout is 30 s; one hang must not eat the run

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const DCT = 'http://purl.org/dc/terms/';
const DCAT = 'http://www.w3.org/ns/dcat#';
const ESTERMS_FILE = 'http://entryscape.com/terms/File';

let exchanges = [];
diagnostics.subscribe('http.client.response.finish', ({ request, response }) => {
  const ius = request.getHeader('if-unmodified-since');
  exchanges.push(`${request.method} ${request.path}${ius ? ` [If-Unmodified-Since: ${ius}]` : ''} -> ${response.statusCode}`);
});

/** What went wrong, in one line: superagent's HTTP errors carry status and body, the library rejects with strings too. */
function describe(err) {
  if (typeof err === 'string') return err;
  if (err == null) return String(err);
  let text = err.message || String(err);
  if (err.status) {
    const body = err.response && err.response.text ? err.response.text.replace(/\s+/g, ' ').slice(0, 300) : '';
    text = `HTTP ${err.status} (${text})${body ? `: ${body}` : ''}`;
  } else if (err.stack && !(err instanceof assert.AssertionError)) {
    // A TypeError inside the library says most by where it happened.
    const frames = err.stack.split('\n').slice(1, 4).map((l) => l.trim().replace(/[^\s(]*node_modules\//, ''));
    text = `${text} ${frames.join(' ')}`;
  }
  return text;
}

// A stray rejection inside the library would end node (and every later scenario); note it instead.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection: ${describe(reason)}\n`);
});

const plan = [];
/** Registers a scenario; they run, in order, after the plan is printed. */
function scenario(name, run) {
  plan.push({ name, run });
}

async function runScenario(name, run) {
  exchanges = [];
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome within ${SCENARIO_MS} ms`)), SCENARIO_MS);
  });
  const line = { name, ok: false };
  try {
    await Promise.race([run(), deadline]);
    line.ok = true;
  } catch (err) {
    line.error = describe(err);
  } finally {
    clearTimeout(timer);
  }
  line.http = exchanges;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Another library instance, logged in: a second client, with its own cache. */
async function client() {
  const es = new EntryStore(F.store);
  await es.getAuth().login(F.user, PASSWORD);
  return es;
}

/**
 * Until the clock is in a later second than {@code date}. If-Unmodified-Since is an HTTP
 * date (whole seconds), so EntryStore can only tell a write in a later second than the
 * version a client loaded; a deadline, not a pause of guessed length.
 */
async function untilSecondAfter(date) {
  const t = date instanceof Date ? date.getTime() : NaN;
  if (Number.isNaN(t)) return;
  const target = Math.floor(t / 1000) * 1000 + 1000;
  const end = Date.now() + 3000;
  while (Date.now() < target) {
    if (Date.now() > end) throw new Error(`the entry's modification date ${date.toISOString()} is in the future`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const literal = (value) => ({ type: 'literal', value });
const uri = (value) => ({ type: 'uri', value });

const es = new EntryStore(F.store);
const auth = es.getAuth();
const entryURI = (id) => es.getEntryURI(F.ctx, id);

scenario('login', async () => {
  const info = await auth.login(F.user, PASSWORD);
  assert.equal(info.user, F.user, 'auth/user after the login names the user');
});

scenario('getUserInfo', async () => {
  const info = await auth.getUserInfo(true);
  assert.equal(info.user, F.user, 'user');
  assert.ok(info.id, `the user entry's id (got ${JSON.stringify(info)})`);
  assert.equal(info.uri, es.getEntryURI('_principals', info.id), 'uri is the user entry');
});

scenario('getUserEntry', async () => {
  const entry = await auth.getUserEntry(true);
  assert.equal(entry.getEntryInfo().getGraphType(), types.GT_USER, 'graph type of the user entry');
  assert.equal(entry.getResource(true).getName(), F.user, 'resource name');
});

scenario('newContext', async () => {
  const id = 'esjs-made';
  const made = await es.newContext('esjs-made-name', id).commit();
  assert.equal(made.getId(), id, 'entry id');
  const back = await es.getEntry(es.getEntryURI('_contexts', id), { forceLoad: true });
  assert.equal(back.getEntryInfo().getGraphType(), types.GT_CONTEXT, 'graph type read back');
  assert.equal(back.getResourceURI(), `${F.store}${id}`, 'resource URI');
  assert.equal(back.getResource(true).getId(), id, 'the entry\'s resource is the context');
});

scenario('newNamedEntry', async () => {
  const id = 'esjs-named';
  const proto = es.getContextById(F.ctx).newNamedEntry(id);
  proto.addL(`${DCT}title`, 'A named thing');
  const made = await proto.commit();
  assert.equal(made.getResourceURI(), `${F.store}${F.ctx}/resource/${id}`, 'resource URI');
  const back = await es.getEntry(entryURI(id), { forceLoad: true });
  assert.equal(back.getEntryInfo().getResourceType(), types.RT_NAMEDRESOURCE, 'resource type read back');
  assert.ok(!back.isInformationResource(), 'not an information resource');
  assert.equal(back.getMetadata().findFirstValue(back.getResourceURI(), `${DCT}title`), 'A named thing', 'title');
});

/** A new file entry (esterms:File) in the fixture's context, created by the library. */
async function newFileEntry(id) {
  const proto = es.getContextById(F.ctx).newEntry(id);
  proto.getMetadata().add(proto.getResourceURI(), RDF_TYPE, uri(ESTERMS_FILE));
  const entry = await proto.commit();
  assert.equal(entry.getEntryInfo().getGraphType(), types.GT_NONE, 'graph type of a file entry');
  assert.equal(entry.getEntryInfo().getResourceType(), types.RT_INFORMATIONRESOURCE, 'resource type of a file entry');
  const resource = entry.getResource(true);
  assert.ok(resource && typeof resource.putFile === 'function', 'a local information resource is a File resource');
  return entry;
}

scenario('file.putFile', async () => {
  const csv = 'station,value\nA,1\nB,2\n';
  const tmp = path.join(os.tmpdir(), `esjs-${process.pid}.csv`);
  fs.writeFileSync(tmp, csv);
  try {
    const entry = await newFileEntry('esjs-file');
    await entry.getResource(true).putFile(fs.createReadStream(tmp), 'text/csv');
    await entry.refresh();
    assert.equal(entry.getEntryInfo().getFormat(), 'text/csv', 'format (dcterms:format on the resource URI)');
    assert.equal(entry.getEntryInfo().getSize(), Buffer.byteLength(csv), 'size (dcterms:extent on the resource URI)');
    assert.equal(await entry.getResource(true).getText(), csv, 'getText');
  } finally {
    fs.rmSync(tmp, { force: true });
  }
});

scenario('file.putText', async () => {
  const entry = await newFileEntry('esjs-text');
  await entry.getResource(true).putText('plain words');
  await entry.refresh();
  assert.equal(entry.getEntryInfo().getFormat(), 'text/plain', 'format');
  assert.equal(await entry.getResource(true).getText(), 'plain words', 'getText');
});

scenario('file.putJSON', async () => {
  const entry = await newFileEntry('esjs-json');
  await entry.getResource(true).putJSON({ a: 1, b: ['x'] });
  await entry.refresh();
  assert.equal(entry.getEntryInfo().getFormat(), 'application/json', 'format');
  assert.deepEqual(await entry.getResource(true).getJSON(), { a: 1, b: ['x'] }, 'getJSON');
});

scenario('commitMetadata', async () => {
  const entry = await es.getEntry(entryURI(F.mdEntry));
  entry.getMetadata().add(entry.getResourceURI(), `${DCT}description`, literal('described by entrystore.js'));
  await entry.commitMetadata();
  const other = await client();
  const back = await other.getEntry(entryURI(F.mdEntry));
  assert.equal(back.getMetadata().findFirstValue(back.getResourceURI(), `${DCT}description`),
    'described by entrystore.js', 'another client reads the committed metadata');
  assert.ok(back.getMetadata().findFirstValue(back.getResourceURI(), `${DCT}title`), 'the title the entry had is kept');
});

scenario('staleCommitRefused', async () => {
  const first = await client();
  const second = await client();
  const e1 = await first.getEntry(entryURI(F.staleEntry));
  const e2 = await second.getEntry(entryURI(F.staleEntry));
  await untilSecondAfter(e2.getEntryInfo().getModificationDate());
  e1.getMetadata().add(e1.getResourceURI(), `${DCT}description`, literal('first'));
  await e1.commitMetadata();
  e2.getMetadata().add(e2.getResourceURI(), `${DCT}description`, literal('second'));
  let refusal;
  try {
    await e2.commitMetadata();
  } catch (err) {
    refusal = err;
  }
  assert.ok(refusal, 'the second client, which loaded the entry before the first one\'s commit, had its commit accepted');
  assert.equal(refusal.status, 412, `the refusal's status (${describe(refusal)})`);
  const back = await first.getEntry(entryURI(F.staleEntry), { forceLoad: true });
  assert.deepEqual(back.getMetadata().find(back.getResourceURI(), `${DCT}description`).map((s) => s.getValue()),
    ['first'], 'the stored metadata is the first client\'s');
});

scenario('getReferrers', async () => {
  const file = await es.getEntry(entryURI(F.fileEntry), { forceLoad: true });
  assert.deepEqual(file.getReferrers(`${DCAT}downloadURL`), [F.distUri],
    'the distribution that lists the file as dcat:downloadURL (includeAll "relations")');
});

scenario('getEntryByResourceURI', async () => {
  const fresh = await client(); // an empty cache, so the library has to search
  const util = new EntryStoreUtil(fresh);
  const found = await util.getEntryByResourceURI(F.distUri, fresh.getContextById(F.ctx));
  assert.ok(found, 'an entry for the resource URI');
  assert.equal(found.getURI(), entryURI(F.distEntry), 'entry URI');
  const anywhere = await util.getEntryByResourceURI(F.fileUri);
  assert.ok(anywhere, 'an entry for the file\'s resource URI, no context given');
  assert.equal(anywhere.getURI(), entryURI(F.fileEntry), 'entry URI of the file');
});

scenario('solrSearch', async () => {
  const list = es.newSolrQuery().rdfType(`${DCAT}Distribution`).context(F.ctx).list();
  const entries = await list.getEntries(0);
  assert.deepEqual(entries.map((e) => e.getResourceURI()).sort(), [F.apiUri, F.distUri].sort(),
    'the distributions of the context');
  assert.equal(list.getSize(), 2, 'results');
  const dist = entries.find((e) => e.getResourceURI() === F.distUri);
  assert.equal(dist.getMetadata().findFirstValue(F.distUri, `${DCAT}downloadURL`), F.fileUri, 'a result carries its metadata');
});

scenario('loadViaProxy', async () => {
  const info = await es.loadViaProxy(`${F.datasetUrl}/info`);
  assert.equal(typeof info, 'object', `the proxied /info as JSON (got ${JSON.stringify(info)})`);
  assert.equal(info.status, 3, 'RowStore status available');
  assert.deepEqual(info.columnnames, ['station', 'value'], 'columnnames');
});

// Beyond the issue's list: how the EntryScape catalog activates an API (reference 2.4, 2.6).
scenario('pipeline.execute', async () => {
  const proto = es.getContextById(F.ctx).newPipeline('rowstorePipeline');
  const pipeline = proto.getResource();
  pipeline.addTransform(pipeline.transformTypes.ROWSTORE, { action: 'create' });
  const entry = await proto.commit();
  assert.ok(entry.isPipeline(), `graph type Pipeline (got ${entry.getEntryInfo().getGraphType()})`);
  const transforms = entry.getResource(true).getTransforms();
  assert.deepEqual(transforms.map((t) => entry.getResource(true).getTransformType(t)), ['rowstore'], 'the transform read back');
  const source = await es.getEntry(entryURI(F.fileEntry));
  const result = await entry.getResource(true).execute(source, {});
  assert.ok(Array.isArray(result) && result.length === 1, `one result entry (got ${JSON.stringify(result)})`);
  const made = await es.getEntry(result[0]);
  assert.ok(made.isPipelineResult(), `graph type PipelineResult (got ${made.getEntryInfo().getGraphType()})`);
  assert.ok(made.isReference(), `entry type Reference (got ${made.getEntryInfo().getEntryType()})`);
  const infoURI = made.getEntryInfo().getExternalMetadataURI();
  assert.equal(infoURI, `${made.getResourceURI()}/info`, 'external metadata is the dataset\'s /info');
  // The catalog polls /info through the proxy until the dataset is available (3) or failed (4).
  const end = Date.now() + 10000;
  let info = await es.loadViaProxy(infoURI);
  while (info.status !== 3 && info.status !== 4 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    info = await es.loadViaProxy(infoURI);
  }
  assert.equal(info.status, 3, 'the dataset becomes available');
  assert.equal(info.rowcount, F.fileRows, 'rows of the source file');
});

scenario('logout', async () => {
  const info = await auth.logout();
  assert.equal(info.user, 'guest', 'the library\'s own idea after logout');
  const after = await auth.getUserInfo(true);
  assert.equal(after.user, '_guest', 'auth/user without the cookie');
});

process.stdout.write(`${JSON.stringify({ plan: plan.map((s) => s.name) })}\n`);
for (const { name, run } of plan) await runScenario(name, run);
