'use strict';
// The dashboard. Signs in through Kazoo's PUT /v2/user_auth and keeps the token in this tab's
// sessionStorage, sent as X-Auth-Token: no cookie carries it, so another site cannot make the
// browser use it (no CSRF), and it ends with the tab. Reads /ui/api every second; acts (stop,
// delete, downloads, CKAN logs) through each face's own routes, so each face's rules hold.

const TOKEN = 'taskrunner.token';
const POLL_MS = 1000;
const $ = id => document.getElementById(id);

let selected = null;        // the id of the task whose detail is open
let faceViewOf = null;      // "id status" of the face view shown, so a finished task's is read once more, then kept
let pollTimer = null;
let polling = false;        // a refresh is under way
let again = false;          // and another was asked for meanwhile (a click, a filter)

// ---- signing in and out ----

async function signIn(event) {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  const accountName = $('account').value.trim();
  $('signin-error').textContent = '';
  let res;
  try {
    res = await fetch('/v2/user_auth', {
      method: 'PUT', headers: {'Content-Type': 'application/json'}, cache: 'no-store',
      body: JSON.stringify({data: {credentials: md5Hex(username.toLowerCase() + ':' + password), account_name: accountName}}),
    });
  } catch (e) {
    $('signin-error').textContent = 'The server cannot be reached: ' + e.message;
    return;
  }
  if (res.status === 429) {
    $('signin-error').textContent = 'Too many failed sign-ins: wait a minute and try again.';
    return;
  }
  if (res.status !== 201) {
    $('signin-error').textContent = 'Wrong username, password or account name.';
    return;
  }
  const body = await res.json();
  sessionStorage.setItem(TOKEN, body.auth_token);
  if (body.data.is_superduper_admin) {
    // CKAN jobs belong to no account; their logs, data and delete are CKAN's admin session's,
    // which the same user opens here (CKAN's own HttpOnly cookie).
    await fetch('/login', {method: 'POST', body: new URLSearchParams({username, password}), cache: 'no-store'}).catch(() => {});
  }
  $('password').value = '';
  show();
}

async function signOut(message) {
  const token = sessionStorage.getItem(TOKEN);
  sessionStorage.removeItem(TOKEN);
  clearTimeout(pollTimer);
  if (token) {
    await fetch('/ui/api/token', {method: 'DELETE', headers: {'X-Auth-Token': token}}).catch(() => {});
    await fetch('/logout', {cache: 'no-store'}).catch(() => {});
  }
  selected = null;
  faceViewOf = null;
  $('tasks').tBodies[0].replaceChildren();
  $('filter-account').replaceChildren(new Option('all', ''));
  $('filters').reset();
  $('signin-error').textContent = typeof message === 'string' ? message : '';
  show();
}

function show() {
  const signedIn = sessionStorage.getItem(TOKEN) !== null;
  $('signin').hidden = signedIn;
  $('dashboard').hidden = !signedIn;
  $('who').hidden = !signedIn;
  $('detail').hidden = true;
  if (signedIn) refresh();
}

/** A request with the token; a 401 means the token ended, so the page signs out. */
async function api(path, options = {}) {
  const headers = Object.assign({'X-Auth-Token': sessionStorage.getItem(TOKEN)}, options.headers || {});
  const res = await fetch(path, Object.assign({cache: 'no-store'}, options, {headers}));
  if (res.status === 401 && path.startsWith('/ui/api/')) {
    signOut('Your sign-in ended; sign in again.');
    throw new Error('signed out');
  }
  return res;
}

async function json(res) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}

// ---- polling ----

function query() {
  const q = new URLSearchParams();
  for (const [name, id] of [['face', 'filter-face'], ['status', 'filter-status'], ['account', 'filter-account']]) {
    if ($(id).value) q.set(name, $(id).value);
  }
  return q.toString();
}

/** Reads the summary and the tasks and shows them; one at a time, then again in POLL_MS. */
async function refresh() {
  clearTimeout(pollTimer);
  if (polling) {
    again = true;
    return;
  }
  const token = sessionStorage.getItem(TOKEN);
  if (token === null) return;
  polling = true;
  try {
    const [summary, list] = await Promise.all([
      api('/ui/api/summary').then(json),
      api('/ui/api/tasks?' + query()).then(json),
    ]);
    if (sessionStorage.getItem(TOKEN) === token) { // else signed out meanwhile: show nothing of it
      renderSummary(summary);
      renderTasks(list);
      if (selected) await renderDetail(list.tasks.find(t => t.id === selected));
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    }
  } catch (e) {
    if (e.message !== 'signed out') $('updated').textContent = 'cannot read the tasks: ' + e.message;
  } finally {
    polling = false;
  }
  if (again) {
    again = false;
    refresh();
  } else if (sessionStorage.getItem(TOKEN) !== null) {
    pollTimer = setTimeout(refresh, POLL_MS);
  }
}

function renderSummary(s) {
  const you = s.you;
  $('who-text').textContent = (you.user || 'api key') + ' @ ' + you.account.name + (you.superduper ? ' (superduper)' : '');
  $('count-total').textContent = s.total;
  $('queue-depth').textContent = s.queue_depth;
  for (const [status, n] of Object.entries(s.counts)) $('count-' + status).textContent = n;
  const select = $('filter-account');
  const known = new Set(Array.from(select.options, o => o.value));
  for (const a of s.accounts) {
    if (known.has(a.id)) continue;
    const option = document.createElement('option');
    option.value = a.id;
    option.textContent = a.name;
    select.append(option);
  }
}

// ---- the task table: rows are kept and changed in place, so a row stays the same element ----

const COLUMNS = ['face', 'type', 'owner', 'status', 'progress', 'created', 'started', 'finished', 'error'];

function renderTasks(list) {
  const body = $('tasks').tBodies[0];
  const rows = new Map(Array.from(body.rows, r => [r.dataset.id, r]));
  const wanted = new Set(list.tasks.map(t => t.id));
  for (const [id, row] of rows) if (!wanted.has(id)) row.remove();
  for (const t of list.tasks) {
    let row = rows.get(t.id);
    if (!row) row = newRow(t);
    fillRow(row, t);
    body.append(row); // moves it into order
  }
  $('no-tasks').hidden = list.tasks.length > 0;
  $('more-tasks').hidden = list.matched <= list.tasks.length;
  $('more-tasks').textContent = 'Showing the newest ' + list.tasks.length + ' of ' + list.matched + ' tasks.';
}

function newRow(t) {
  const row = document.createElement('tr');
  row.dataset.id = t.id;
  row.dataset.face = t.face;
  row.tabIndex = 0;
  for (const c of COLUMNS) {
    const cell = row.insertCell();
    cell.className = 'c-' + c;
  }
  const bar = document.createElement('progress');
  const text = document.createElement('span');
  text.className = 'progress-text';
  row.cells[COLUMNS.indexOf('progress')].append(bar, text);
  row.addEventListener('click', () => select(t.id));
  row.addEventListener('keydown', e => { if (e.key === 'Enter') select(t.id); });
  return row;
}

function fillRow(row, t) {
  const cell = name => row.cells[COLUMNS.indexOf(name)];
  setText(cell('face'), t.face);
  setText(cell('type'), t.type);
  setText(cell('owner'), owner(t));
  setText(cell('status'), t.status);
  cell('status').className = 'c-status s-' + t.status;
  cell('status').title = 'in the face\'s API: ' + t.face_status;
  fillProgress(cell('progress'), t);
  setText(cell('created'), time(t.created));
  setText(cell('started'), time(t.started));
  setText(cell('finished'), time(t.finished));
  setText(cell('error'), t.error || '');
  row.classList.toggle('selected', t.id === selected);
}

function fillProgress(cell, t) {
  const p = t.progress;
  const bar = cell.querySelector('progress');
  const counted = (p.done ?? 0) + (p.failed ?? 0);
  if (p.total) {
    bar.max = p.total;
    bar.value = Math.min(counted, p.total);
  } else if (t.status === 'running') {
    bar.removeAttribute('value'); // no total: indeterminate
  } else {
    bar.max = 1;
    bar.value = t.status === 'done' ? 1 : 0;
  }
  setText(cell.querySelector('.progress-text'), progressText(t));
}

function progressText(t) {
  const p = t.progress;
  if (p.done == null && p.failed == null) return p.total ? '0 / ' + p.total + ' rows' : ''; // == null: the key is absent
  let s = (p.done ?? 0) + (p.total ? ' / ' + p.total : '') + ' rows';
  if (p.failed) s += ', ' + p.failed + ' failed';
  return s;
}

function owner(t) {
  return t.account ? t.account.name : '(no account)';
}

function time(ms) {
  return ms == null ? '' : new Date(ms).toLocaleString();
}

function setText(el, text) {
  if (el.textContent !== String(text)) el.textContent = text;
}

// ---- a task's detail ----

function select(id) {
  selected = id;
  faceViewOf = null;
  $('detail-message').textContent = '';
  for (const row of $('tasks').tBodies[0].rows) row.classList.toggle('selected', row.dataset.id === id);
  refresh();
}

const ACTIVE = ['queued', 'running'];

async function renderDetail(t) {
  const detail = $('detail');
  if (!t) {
    detail.hidden = true;
    return;
  }
  detail.hidden = false;
  detail.dataset.id = t.id;
  detail.dataset.status = t.status;
  setText($('detail-title'), t.face + ' · ' + t.type + ' · ' + t.id);
  const fields = [
    ['Status', t.status + ' (' + t.face_status + ' in the face\'s API)'], ['Owner', owner(t)],
    ['Progress', progressText(t) || '—'], ['Created', time(t.created)], ['Started', time(t.started) || '—'],
    ['Finished', time(t.finished) || '—'], ['Error', t.error || '—'], ['File', t.file_name || '—'],
  ];
  const dl = $('detail-fields');
  dl.replaceChildren();
  for (const [name, value] of fields) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.field = name.toLowerCase();
    dl.append(dt, dd);
  }
  renderActions(t);
  const key = t.id + ' ' + t.status;
  if (faceViewOf !== key || ACTIVE.includes(t.status)) {
    faceViewOf = key;
    await FACES[t.face].view(t).catch(e => setText($('face-view'), 'cannot read it: ' + e.message));
  }
}

function renderActions(t) {
  const wanted = FACES[t.face].actions(t);
  const box = $('detail-actions');
  const shown = Array.from(box.children, b => b.dataset.action).join(' ');
  if (shown === wanted.map(a => a.name).join(' ') && box.dataset.id === t.id) return;
  box.dataset.id = t.id;
  box.replaceChildren();
  for (const a of wanted) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = a.name;
    button.textContent = a.label;
    button.addEventListener('click', () => act(a, t));
    box.append(button);
  }
}

async function act(action, t) {
  if (action.confirm && !window.confirm(action.confirm)) return;
  $('detail-message').textContent = action.label + '…';
  try {
    $('detail-message').textContent = await action.run(t);
  } catch (e) {
    $('detail-message').textContent = action.label + ' failed: ' + e.message;
  }
  faceViewOf = null;
  refresh();
}

/** Saves a file fetched with the token (a plain link could not send the header). */
async function download(path, name) {
  const res = await api(path);
  if (!res.ok) throw new Error('HTTP ' + res.status);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return 'Downloaded ' + name + '.';
}

function showFaceView(title, value) {
  setText($('face-view-title'), title);
  setText($('face-view'), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

function showLogs(logs) {
  $('logs-title').hidden = logs === null;
  $('logs').hidden = logs === null;
  const body = $('logs').tBodies[0];
  body.replaceChildren();
  for (const l of logs || []) {
    const row = body.insertRow();
    for (const v of [l.timestamp, l.level, l.message]) row.insertCell().textContent = v;
  }
  if (logs && logs.length === 0) body.insertRow().insertCell().textContent = 'No log records.';
}

/** What each face offers, through its own routes: a view of the task and the actions it allows. */
const FACES = {
  kazoo: {
    base: t => '/v2/accounts/' + encodeURIComponent(t.account.id) + '/tasks/' + encodeURIComponent(t.id),
    async view(t) {
      showLogs(null);
      const body = await json(await api(this.base(t)));
      showFaceView('The task in the Kazoo API (rows that failed are in its output CSV)', body.data._read_only);
    },
    actions(t) {
      const a = [];
      if (t.status === 'pending') {
        a.push({name: 'start', label: 'Start', run: async () => {
          await json(await api(this.base(t), {method: 'PATCH'}));
          return 'Started.';
        }});
      }
      if (ACTIVE.includes(t.status)) {
        a.push({name: 'stop', label: 'Stop', run: async () => {
          await json(await api(this.base(t) + '/stop', {method: 'PATCH'}));
          return 'Stopped.';
        }});
      } else {
        a.push({name: 'delete', label: 'Delete', confirm: 'Delete this task and its CSVs?', run: async () => {
          await json(await api(this.base(t), {method: 'DELETE'}));
          selected = null;
          return 'Deleted.';
        }});
      }
      if (t.has_input) a.push({name: 'input', label: 'Input CSV', run: () => download(this.base(t) + '/input', t.id + '_in.csv')});
      if (t.has_output) a.push({name: 'output', label: 'Output CSV', run: () => download(this.base(t) + '/output', t.id + '_out.csv')});
      return a;
    },
  },
  ckan: {
    // The CKAN admin session (cookie) opened at sign-in authorizes these.
    base: t => '/job/' + encodeURIComponent(t.id),
    async view(t) {
      const job = await json(await fetch(this.base(t), {cache: 'no-store'}));
      showLogs(job.logs);
      const rest = Object.assign({}, job);
      delete rest.logs;
      showFaceView('The job in the CKAN API', rest);
    },
    actions(t) {
      const a = [{name: 'delete', label: ACTIVE.includes(t.status) ? 'Stop and delete' : 'Delete',
        confirm: 'Delete this job and its logs?', run: async () => {
          await json(await fetch(this.base(t), {method: 'DELETE'}));
          selected = null;
          return 'Deleted.';
        }}];
      if (t.status === 'done') {
        a.push({name: 'data', label: 'Result', run: async () => {
          const res = await fetch(this.base(t) + '/data', {cache: 'no-store'});
          if (!res.ok) throw new Error('HTTP ' + res.status);
          showFaceView('The job\'s result (/job/' + t.id + '/data)', await res.text());
          return 'Result shown below.';
        }});
      }
      return a;
    },
  },
  entryscape: {
    async view(t) {
      showLogs(null);
      const job = await json(await fetch('/taskrunner/v1/job/' + encodeURIComponent(t.id), {cache: 'no-store'}));
      showFaceView('The job in the Taskrunner API (it has no stop or delete)', job);
    },
    actions() {
      return [];
    },
  },
};

// ---- start ----

document.addEventListener('DOMContentLoaded', () => {
  $('signin').addEventListener('submit', signIn);
  $('signout').addEventListener('click', () => signOut());
  for (const id of ['filter-face', 'filter-status', 'filter-account']) $(id).addEventListener('change', refresh);
  $('filters').addEventListener('submit', e => e.preventDefault());
  show();
});
