// aiod-backup console: a page over the JSON API (/api/...), no framework, no build step.
// Every string from the API reaches the page through textContent or an attribute, never as HTML.
'use strict';

const AUTH_KEY = 'aiod-backup.auth';
const ROLES = ['backup-viewer', 'backup-operator', 'backup-admin'];
const FINAL = ['SUCCEEDED', 'PARTIAL', 'FAILED', 'REJECTED'];
const JOBS_PAGE = 15;
const STALE_HOURS = 36;          // a dataset whose last level is older than this is shown amber
const FINISHED_KEPT_MS = 10 * 60 * 1000;

const state = {
  auth: sessionStorage.getItem(AUTH_KEY), // the Authorization header value: "Basic ..." or "Bearer ..."
  me: null,
  rank: -1,                               // index of the caller's highest role in ROLES
  datasets: [],
  selected: null,
  detail: null,
  live: new Map(),                        // jobId -> {job, progress, seenFinal}
  nextCursor: null,
  stream: null,
  features: { verifies: false, prunes: false },
};

// ---------------------------------------------------------------------------------------------- DOM helpers

const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or strings (always text, never parsed as HTML). */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function toast(message, bad) {
  const el = $('toast');
  el.textContent = message;
  el.className = bad ? 'toast bad' : 'toast';
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, bad ? 8000 : 4000);
}

// ---------------------------------------------------------------------------------------------- formatting

function bytes(n) {
  if (n === null || n === undefined || n < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
}

function count(n) {
  return n === null || n === undefined || n < 0 ? '–' : Number(n).toLocaleString('en');
}

const files = (n) => count(n) + (n === 1 ? ' file' : ' files');

function ago(iso) {
  if (!iso) return '–';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 45) return 'just now';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

/** A local time as operators read logs: 2026-11-30 02:00. */
function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':'
    + two(d.getMinutes());
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) return '';
  if (seconds < 60) return Math.round(seconds) + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
  return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
}

const typeName = (type) => type ? type.charAt(0) + type.slice(1).toLowerCase() : 'Job';

// ---------------------------------------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || 'HTTP ' + status);
    this.status = status;
    this.code = problem.code;
  }
}

/** A request with the login; a 401 brings the login form back; other errors throw the problem's detail. */
async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (state.auth) headers.Authorization = state.auth;
  let body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json);
  }
  // credentials 'omit': the browser neither adds its own login nor pops up its Basic dialog on a 401
  const response = await fetch(path, { method: options.method || 'GET', headers, body, credentials: 'omit',
    cache: 'no-store' });
  if (response.status === 401 && !options.quiet401) {
    showLogin(state.me ? 'Your session ended: sign in again.' : '');
  }
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch (e) { /* not a problem document */ }
    throw new ApiError(response.status, problem);
  }
  return response;
}

const getJson = async (path) => (await api(path)).json();

/** Polls a job until it is final (a dry run answers in its job). */
async function finalJob(jobId) {
  for (;;) {
    const job = await getJson('/api/jobs/' + encodeURIComponent(jobId));
    if (FINAL.includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

// ---------------------------------------------------------------------------------------------- login

function showLogin(message) {
  stopStream();
  state.auth = null;
  state.me = null;
  sessionStorage.removeItem(AUTH_KEY);
  $('app').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  if ($('dialog').open) $('dialog').close();
  $('login-user').focus();
}

async function signIn(event) {
  event.preventDefault();
  const bearer = !$('login-bearer').hidden;
  if (bearer) {
    state.auth = 'Bearer ' + $('login-token').value.trim();
  } else {
    // UTF-8 user:password, base64 (btoa alone takes Latin-1 only)
    const raw = new TextEncoder().encode($('login-user').value + ':' + $('login-password').value);
    state.auth = 'Basic ' + btoa(String.fromCharCode(...raw));
  }
  try {
    await start();
    sessionStorage.setItem(AUTH_KEY, state.auth);
    $('login-password').value = '';
  } catch (e) {
    state.auth = null;
    $('login-password').value = '';
    $('login-error').textContent = e.status === 401 ? 'Wrong user name, password or token.'
      : e.status === 403 ? 'This login has no backup role.' : e.message;
  }
}

function toggleLoginMode() {
  const bearer = $('login-bearer').hidden;
  $('login-bearer').hidden = !bearer;
  $('login-basic').hidden = bearer;
  $('login-user').required = !bearer;
  $('login-mode').textContent = bearer ? 'Use a user name and password instead' : 'Use an access token instead';
}

/** Who is logged in decides which buttons exist; the server checks the role again on every call. */
async function start() {
  const response = await api('/api/me', { quiet401: true });
  state.me = await response.json();
  state.rank = Math.max(-1, ...state.me.roles.map((r) => ROLES.indexOf(r)));
  $('who-name').textContent = state.me.name;
  $('who-role').textContent = state.rank >= 0 ? ROLES[state.rank].replace('backup-', '') : 'no role';
  $('who').hidden = false;
  $('login').hidden = true;
  $('app').hidden = false;
  await probeFeatures();
  openStream();
  await Promise.all([loadDatasets(), loadJobs(true)]);
}

const can = (role) => state.rank >= ROLES.indexOf(role);

/** Which command buttons the caller's role gets; an older server without a route still says so when one is used. */
async function probeFeatures() {
  // the service has every command; the role decides (a probe POST to a command route could start one)
  state.features.verifies = can('backup-operator');
  state.features.prunes = can('backup-admin');
}

// ---------------------------------------------------------------------------------------------- datasets

async function loadDatasets() {
  const [list, recent] = await Promise.all([getJson('/api/datasets'), getJson('/api/jobs?limit=200')]);
  const details = await Promise.all(list.map((d) =>
    getJson('/api/datasets/' + encodeURIComponent(d.name)).catch(() => null)));
  state.datasets = list.map((summary, i) => {
    const lastBackup = recent.find((j) => j.dataset === summary.name && j.type === 'BACKUP'
      && FINAL.includes(j.status));
    return { summary, detail: details[i], lastBackup, health: health(summary, details[i], lastBackup) };
  });
  renderDatasets();
  if (state.selected) {
    const row = state.datasets.find((d) => d.summary.name === state.selected);
    if (row) renderDetail(row); else closeDetail();
  }
}

/** Green: fine. Amber: partial, or nothing recent. Red: the last backup failed, an archive is corrupt or missing. */
function health(summary, detail, lastBackup) {
  const cycles = summary.cycles || [];
  const levels = detail ? detail.cycles.flatMap((c) => c.levels) : [];
  const corrupt = levels.filter((l) => l.checksum === 'corrupt').length;
  const current = cycles[cycles.length - 1];
  if (lastBackup && (lastBackup.status === 'FAILED' || lastBackup.status === 'REJECTED')) {
    return { cls: 'bad', why: 'last backup failed' + (lastBackup.error ? ': ' + lastBackup.error.message : '') };
  }
  if (corrupt) return { cls: 'bad', why: corrupt + ' corrupt archive' + (corrupt > 1 ? 's' : '') };
  if (current && current.missingLevels && current.missingLevels.length) {
    return { cls: 'bad', why: 'level ' + current.missingLevels.join(', ') + ' missing in cycle ' + current.cycle };
  }
  if (!current || current.lastLevel < 0) return { cls: 'warn', why: 'no complete backup yet' };
  if (lastBackup && lastBackup.status === 'PARTIAL') return { cls: 'warn', why: 'last backup left files out' };
  const hours = (Date.now() - Date.parse(current.lastAt)) / 3600000;
  if (hours > STALE_HOURS) return { cls: 'warn', why: 'last level is ' + ago(current.lastAt).replace(' ago', '') + ' old' };
  return { cls: 'ok', why: 'backed up ' + ago(current.lastAt) };
}

function checksumChips(detail) {
  if (!detail) return [h('span', { class: 'chip' }, 'unknown')];
  const counts = {};
  for (const level of detail.cycles.flatMap((c) => c.levels)) {
    counts[level.checksum] = (counts[level.checksum] || 0) + 1;
  }
  const cls = (label) => (label === 'corrupt' ? 'chip bad' : label.startsWith('verified') ? 'chip ok' : 'chip');
  const chips = Object.entries(counts).map(([label, n]) => h('span', { class: cls(label),
    title: n + ' level(s) ' + label }, label + ' ' + n));
  return chips.length ? chips : [h('span', { class: 'muted' }, '–')];
}

function renderDatasets() {
  const body = $('datasets').tBodies[0];
  body.replaceChildren(...state.datasets.map((row) => {
    const { summary, detail, health: hl } = row;
    const current = summary.cycles[summary.cycles.length - 1];
    const size = summary.cycles.reduce((sum, c) => sum + c.bytes, 0);
    const tr = h('tr', { 'data-dataset': summary.name, class: summary.name === state.selected ? 'selected' : null,
      tabindex: 0, onclick: () => selectDataset(summary.name),
      onkeydown: (e) => { if (e.key === 'Enter') selectDataset(summary.name); } },
      h('td', {}, h('span', { class: 'dot ' + hl.cls, title: hl.why, 'data-health': hl.cls })),
      h('td', { class: 'name' }, summary.name, h('span', { class: 'sub' }, hl.why)),
      h('td', {}, current && current.lastLevel >= 0 ? 'cycle ' + current.cycle + ' · level ' + current.lastLevel : '–'),
      h('td', { title: current ? when(current.lastAt) : '' }, current ? ago(current.lastAt) : '–'),
      h('td', { class: 'num' }, bytes(size)),
      h('td', {}, checksumChips(detail)));
    return tr;
  }));
  $('datasets-empty').hidden = state.datasets.length > 0;
}

function selectDataset(name) {
  state.selected = name;
  renderDatasets();
  const row = state.datasets.find((d) => d.summary.name === name);
  if (row) renderDetail(row);
}

function closeDetail() {
  state.selected = null;
  $('detail').hidden = true;
}

// ---------------------------------------------------------------------------------------------- one dataset

function renderDetail(row) {
  const detail = row.detail;
  const name = row.summary.name;
  state.detail = detail;
  $('detail').hidden = false;
  $('detail').setAttribute('data-dataset', name);
  $('detail-title').replaceChildren(h('span', { class: 'dot ' + row.health.cls, title: row.health.why }), ' ', name);
  $('detail-error').textContent = detail ? '' : 'The dataset could not be read.';

  const actions = [];
  if (can('backup-operator')) {
    actions.push(h('button', { type: 'button', class: 'primary', id: 'action-backup', onclick: () => backUp(name) },
      'Back up now'));
    if (state.features.verifies) {
      actions.push(h('button', { type: 'button', class: 'ghost', id: 'action-verify', onclick: () => verifyDialog(name) },
        'Verify…'));
    }
  }
  if (can('backup-admin')) {
    if (state.features.prunes) {
      actions.push(h('button', { type: 'button', class: 'ghost', id: 'action-prune', onclick: () => pruneDialog(name) },
        'Prune…'));
    }
    if (detail && detail.cycles.some((c) => c.lastLevel >= 0)) {
      actions.push(h('button', { type: 'button', class: 'ghost', id: 'action-restore',
        onclick: () => restoreDialog(name, detail) }, 'Restore…'));
    }
  }
  $('detail-actions').replaceChildren(...actions);
  $('timeline').replaceChildren(...(detail ? timeline(detail) : []));
}

/** One bar per cycle (newest on top), as wide as the cycle's share of the largest; one block per level. */
function timeline(detail) {
  if (!detail.cycles.length) return [h('p', { class: 'empty' }, 'No backups yet.')];
  const largest = Math.max(1, ...detail.cycles.map((c) => c.bytes));
  return detail.cycles.slice().reverse().map((cycle) => {
    const blocks = [];
    const byLevel = new Map(cycle.levels.map((l) => [l.level, { ...l, kind: 'ok' }]));
    for (const l of cycle.levelsAfterGap || []) byLevel.set(l.level, { ...l, kind: 'orphan' });
    for (const n of cycle.missingLevels || []) byLevel.set(n, { level: n, size: 0, kind: 'gap' });
    const ordered = [...byLevel.values()].sort((a, b) => a.level - b.level);
    for (const l of ordered) {
      const classes = ['level'];
      if (l.level === 0) classes.push('full');
      if (l.kind !== 'ok') classes.push(l.kind);
      else if (l.checksum === 'corrupt') classes.push('corrupt');
      else if (l.checksum === 'unlisted') classes.push('unlisted');
      const title = l.kind === 'gap'
        ? 'level ' + l.level + ': archive missing, the levels after it cannot be restored'
        : 'level ' + l.level + (l.level === 0 ? ' (full)' : '') + ' · ' + bytes(l.size) + '\n' + when(l.modified)
          + '\n' + l.archive + ' · checksum ' + (l.checksum || '–')
          + (l.kind === 'orphan' ? '\nafter a gap: cannot be restored' : '');
      // a block with room for it names its size too
      const roomy = cycle.bytes > 0 && l.size / cycle.bytes >= 0.2;
      blocks.push(h('div', { class: classes.join(' '), title, 'data-level': l.level,
        style: { flexGrow: String(Math.max(l.size, 1)), flexBasis: '0' } },
        (l.level === 0 ? 'L0 full' : 'L' + l.level) + (roomy ? ' · ' + bytes(l.size) : '')));
    }
    const share = Math.max(12, Math.round(100 * cycle.bytes / largest));
    const levelCount = cycle.levels.length;
    return h('div', { class: 'cycle', 'data-cycle': cycle.cycle },
      h('div', { class: 'cycle-label' }, 'Cycle ' + cycle.cycle,
        h('span', { class: 'sub' }, levelCount + (levelCount === 1 ? ' level' : ' levels'))),
      h('div', { class: 'cycle-bar-wrap' }, h('div', { class: 'cycle-bar', style: { width: share + '%' } }, blocks)),
      h('div', { class: 'cycle-size' }, bytes(cycle.bytes)));
  });
}

// ---------------------------------------------------------------------------------------------- commands

async function backUp(name) {
  try {
    const job = await (await api('/api/backups', { method: 'POST', json: { dataset: name } })).json();
    track(job);
    toast('Backup of ' + name + ' queued');
  } catch (e) {
    toast(e.message, true);
  }
}

/** Opens the dialog with its content and buttons; buttons are {label, cls, id, onclick(close)}. */
function openDialog(title, content, buttons) {
  $('dialog-title').textContent = title;
  $('dialog-content').replaceChildren(...content);
  $('dialog-error').textContent = '';
  const close = () => $('dialog').close();
  $('dialog-buttons').replaceChildren(
    h('button', { type: 'button', class: 'ghost', onclick: close }, 'Cancel'),
    ...buttons.map((b) => h('button', { type: 'button', class: b.cls, id: b.id, disabled: b.disabled,
      onclick: () => b.onclick(close) }, b.label)));
  $('dialog').showModal();
}

const dialogError = (message) => { $('dialog-error').textContent = message; };

/** A route the server does not have (yet): its button goes away. */
function missingRoute(e, feature) {
  if (e.status === 405 || (e.status === 404 && (!e.code || e.code === 'NOT_FOUND'))) {
    state.features[feature] = false;
    if (state.selected) selectDataset(state.selected);
    return true;
  }
  return false;
}

function verifyDialog(name) {
  const option = (value, label, hint, checked) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'depth', value, checked }), h('span', {}, label, ' ', h('span', { class: 'muted' }, hint)));
  openDialog('Verify ' + name, [
    option('checksums', 'Checksums', '– every archive against SHA256SUMS', true),
    option('drill', 'Restore drill', '– restore each level into scratch space and compare', false),
  ], [{ label: 'Start verify', cls: 'primary', id: 'verify-start', onclick: async (close) => {
    const depth = document.querySelector('input[name=depth]:checked').value;
    try {
      track(await (await api('/api/verifications', { method: 'POST', json: { dataset: name, depth } })).json());
      close();
      toast('Verify of ' + name + ' queued');
    } catch (e) {
      if (missingRoute(e, 'verifies')) { close(); toast('This server cannot verify yet.', true); } else dialogError(e.message);
    }
  } }]);
}

function pruneDialog(name) {
  const preview = h('div', { id: 'prune-preview' }, h('p', { class: 'muted' },
    'Prune removes the cycles the retention settings no longer keep. Preview first: nothing is removed.'));
  openDialog('Prune ' + name, [preview], [
    { label: 'Preview', cls: 'ghost', id: 'prune-preview-button', onclick: () => prune(name, true, preview) },
    { label: 'Prune', cls: 'danger', id: 'prune-run', onclick: (close) => prune(name, false, preview, close) },
  ]);
}

async function prune(name, dryRun, preview, close) {
  dialogError('');
  try {
    const job = await (await api('/api/prunes', { method: 'POST', json: { dataset: name, dryRun } })).json();
    if (!dryRun) {
      track(job);
      close();
      toast('Prune of ' + name + ' queued');
      return;
    }
    preview.replaceChildren(h('p', { class: 'muted' }, 'Computing the preview…'));
    preview.replaceChildren(jobOutcome(await finalJob(job.jobId)));
  } catch (e) {
    if (missingRoute(e, 'prunes')) { $('dialog').close(); toast('This server cannot prune yet.', true); } else dialogError(e.message);
  }
}

/** A finished job's result, for a job whose plan has a shape this page does not know (a prune's). */
function jobOutcome(job) {
  const items = [h('p', {}, h('span', { class: 'status ' + job.status }, job.status), ' ',
    job.error ? job.error.message : '')];
  if (job.plan) {
    if (job.plan.create) return planView(job.plan);
    items.push(h('ul', {}, Object.entries(job.plan).map(([k, v]) =>
      h('li', {}, k + ': ' + (Array.isArray(v) ? v.slice(0, 10).join(', ') + (v.length > 10 ? ' …' : '')
        : typeof v === 'object' && v !== null ? JSON.stringify(v) : v)))));
  }
  for (const warning of job.warnings || []) items.push(h('p', { class: 'muted' }, warning));
  return h('div', { class: 'plan' }, items);
}

/** A restore dry run's plan: counts of each change and its first paths. */
function planView(plan) {
  const kinds = [['create', 'to create'], ['replace', 'to replace'], ['delete', 'to delete']];
  const counts = h('div', { class: 'plan-counts' }, kinds.map(([kind, label]) =>
    h('div', { class: kind, 'data-kind': kind }, h('b', {}, count(plan[kind].count)), label + ' · ' + bytes(plan[kind].bytes))),
    h('div', {}, h('b', {}, count(plan.unchanged)), 'unchanged'));
  const lists = kinds.filter(([kind]) => plan[kind].count > 0).map(([kind, label]) => {
    const change = plan[kind];
    const more = change.count - change.paths.length;
    return h('div', {}, h('span', { class: 'muted' }, 'First paths ' + label + ':'),
      h('ul', { 'data-paths': kind }, change.paths.slice(0, 20).map((p) => h('li', {}, p)),
        more > 0 ? h('li', { class: 'muted' }, '… and ' + count(more) + ' more') : null));
  });
  const dirs = plan.directoriesToCreate || plan.directoriesToDelete
    ? h('p', { class: 'muted' }, 'Directories: ' + count(plan.directoriesToCreate) + ' to create, '
      + count(plan.directoriesToDelete) + ' to delete') : null;
  return h('div', { class: 'plan', id: 'restore-plan' }, counts, dirs, lists);
}

function restoreDialog(name, detail) {
  const cycles = detail.cycles.filter((c) => c.lastLevel >= 0).slice().reverse();
  const cycleSelect = h('select', { id: 'restore-cycle' }, cycles.map((c) =>
    h('option', { value: c.cycle }, 'Cycle ' + c.cycle)));
  const levelSelect = h('select', { id: 'restore-level' });
  const fillLevels = () => {
    const cycle = cycles.find((c) => String(c.cycle) === cycleSelect.value);
    levelSelect.replaceChildren(...cycle.levels.slice().reverse().map((l) =>
      h('option', { value: l.level }, 'Level ' + l.level + ' · ' + when(l.modified))));
  };
  fillLevels();
  const target = h('input', { id: 'restore-target', placeholder: 'empty: in place, over the dataset itself' });
  const paths = h('textarea', { id: 'restore-paths', rows: 2, placeholder: 'empty: the whole dataset; else one path a line',
    spellcheck: 'false' });
  const overwrite = h('input', { type: 'checkbox', id: 'restore-overwrite' });
  const preview = h('div', { id: 'restore-preview' });
  const confirmInput = h('input', { id: 'restore-confirm', autocomplete: 'off', spellcheck: 'false' });
  const confirm = h('label', { class: 'confirm', hidden: true },
    h('span', {}, 'This overwrites the dataset in place. Type ', h('b', {}, name), ' to confirm.'), confirmInput);
  let planned = null; // the request the shown preview is for

  const request = (dryRun) => {
    const body = { dataset: name, cycle: Number(cycleSelect.value), level: Number(levelSelect.value) };
    if (target.value.trim()) body.target = target.value.trim();
    const list = paths.value.split('\n').map((p) => p.trim()).filter(Boolean);
    if (list.length) body.paths = list;
    if (overwrite.checked) body.overwrite = true;
    if (dryRun) body.dryRun = true;
    return body;
  };
  const inPlace = () => !target.value.trim();
  const refresh = () => {
    const ready = planned !== null && JSON.stringify(planned) === JSON.stringify(request(false));
    confirm.hidden = !(ready && inPlace());
    $('restore-run').disabled = !ready || (inPlace() && confirmInput.value !== name);
  };
  const changed = () => { planned = null; preview.replaceChildren(); refresh(); };
  cycleSelect.addEventListener('change', () => { fillLevels(); changed(); });
  for (const input of [levelSelect, target, paths, overwrite]) input.addEventListener('input', changed);
  confirmInput.addEventListener('input', refresh);

  openDialog('Restore ' + name, [
    h('div', { class: 'row' }, h('label', {}, 'Cycle', cycleSelect), h('label', {}, 'Level', levelSelect)),
    h('label', {}, 'Target directory', target),
    h('label', {}, 'Only these paths', paths),
    h('label', { class: 'check' }, overwrite, 'Replace a target that is not empty'),
    preview, confirm,
  ], [
    { label: 'Preview changes', cls: 'ghost', id: 'restore-preview-button', onclick: async () => {
      dialogError('');
      const body = request(true);
      preview.replaceChildren(h('p', { class: 'muted' }, 'Computing the preview…'));
      try {
        const job = await finalJob((await (await api('/api/restores', { method: 'POST', json: body })).json()).jobId);
        if (job.status !== 'SUCCEEDED' || !job.plan) {
          preview.replaceChildren(jobOutcome(job));
          return;
        }
        preview.replaceChildren(planView(job.plan));
        delete body.dryRun;
        planned = body;
        refresh();
      } catch (e) {
        preview.replaceChildren();
        dialogError(e.message);
      }
    } },
    { label: 'Restore', cls: 'danger', id: 'restore-run', disabled: true, onclick: async (close) => {
      try {
        track(await (await api('/api/restores', { method: 'POST', json: planned })).json());
        close();
        toast('Restore of ' + name + ' queued');
      } catch (e) {
        dialogError(e.message);
      }
    } },
  ]);
}

// ---------------------------------------------------------------------------------------------- live jobs

/** QUEUED < RUNNING < final: an answer that arrives late (a POST's QUEUED after the stream's end) never goes back. */
const stage = (status) => (FINAL.includes(status) ? 2 : status === 'RUNNING' ? 1 : 0);

function track(job) {
  const entry = state.live.get(job.jobId) || { job, progress: null };
  if (stage(job.status) >= stage(entry.job.status)) entry.job = job;
  if (FINAL.includes(entry.job.status) && !entry.finishedSeen) entry.finishedSeen = Date.now();
  state.live.set(job.jobId, entry);
  renderLive();
}

function onJob(job) {
  const known = state.live.get(job.jobId);
  const wasFinal = known && FINAL.includes(known.job.status);
  track(job);
  if (FINAL.includes(job.status) && !wasFinal) refreshSoon();
}

function onProgress(progress) {
  const entry = state.live.get(progress.jobId);
  if (entry) {
    entry.progress = progress;
  } else {
    state.live.set(progress.jobId, { job: { jobId: progress.jobId, type: progress.type, dataset: progress.dataset,
      status: 'RUNNING' }, progress });
  }
  renderLive();
}

/** A finished job changed what is on disk and in the journal: reload both, once for a burst of endings. */
function refreshSoon() {
  clearTimeout(refreshSoon.timer);
  refreshSoon.timer = setTimeout(() => {
    loadDatasets().catch(() => {});
    loadJobs(true).catch(() => {});
  }, 300);
}

/** Percent done (0..100), or null when the totals are unknown. */
function percent(job, progress) {
  if (job.status === 'SUCCEEDED' || job.status === 'PARTIAL') return 100;
  if (!progress) return job.status === 'QUEUED' ? 0 : null;
  if (progress.bytesTotal > 0) return Math.min(100, Math.floor(100 * progress.bytesDone / progress.bytesTotal));
  if (progress.filesTotal > 0) return Math.min(100, Math.floor(100 * progress.filesDone / progress.filesTotal));
  return null;
}

function progressLine(job, p) {
  if (job.status === 'QUEUED') return 'queued ' + ago(job.queuedAt);
  if (FINAL.includes(job.status)) {
    if (job.error) return job.error.message;
    if (job.plan && job.plan.create) {
      return 'plan: ' + count(job.plan.create.count) + ' to create · ' + count(job.plan.replace.count)
        + ' to replace · ' + count(job.plan.delete.count) + ' to delete';
    }
    const parts = [];
    if (job.files !== null && job.files !== undefined) parts.push(files(job.files), bytes(job.bytes));
    if (job.startedAt && job.finishedAt) parts.push(duration((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000));
    return parts.join(' · ');
  }
  if (!p) return 'starting';
  const est = p.estimated ? '~' : '';
  const parts = [String(p.phase || 'starting').toLowerCase().replace(/_/g, ' ')];
  parts.push(count(p.filesDone) + (p.filesTotal > 0 ? ' / ' + est + count(p.filesTotal) : '') + ' files');
  parts.push(bytes(p.bytesDone) + (p.bytesTotal > 0 ? ' / ' + est + bytes(p.bytesTotal) : ''));
  if (p.bytesPerSecond > 0) parts.push(bytes(p.bytesPerSecond) + '/s');
  if (p.etaSeconds >= 0 && p.etaSeconds !== null && p.etaSeconds !== undefined) parts.push(duration(p.etaSeconds) + ' left');
  return parts.join(' · ');
}

function renderLive() {
  const now = Date.now();
  for (const [id, entry] of state.live) {
    if (entry.finishedSeen && now - entry.finishedSeen > FINISHED_KEPT_MS) state.live.delete(id);
  }
  const entries = [...state.live.values()].sort((a, b) =>
    (FINAL.includes(a.job.status) - FINAL.includes(b.job.status)) || ((b.job.queuedAt || '') > (a.job.queuedAt || '') ? 1 : -1));
  $('live').replaceChildren(...entries.slice(0, 8).map(({ job, progress }) => {
    const pct = percent(job, progress);
    const failed = job.status === 'FAILED' || job.status === 'REJECTED';
    const barClass = 'bar' + (failed ? ' failed' : pct === 100 ? ' done' : pct === null ? ' indeterminate' : '');
    const width = failed ? 100 : pct === null ? null : pct;
    const dryRun = Boolean(job.options && job.options.dryRun);
    return h('li', { 'data-job-id': job.jobId, 'data-status': job.status, 'data-dry-run': dryRun },
      h('div', { class: 'job-line' },
        h('span', { class: 'job-title' }, typeName(job.type) + (dryRun ? ' (dry run)' : '') + ' · ' + (job.dataset || '')),
        h('span', { class: 'status ' + job.status }, job.status)),
      h('div', { class: barClass, role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
        'aria-valuenow': width === null ? null : width },
        h('span', { style: width === null ? {} : { width: width + '%' } })),
      h('div', { class: 'job-meta' }, (pct !== null && !failed ? pct + ' % · ' : '') + progressLine(job, progress)));
  }));
  $('live-empty').hidden = state.live.size > 0;
}

// ---------------------------------------------------------------------------------------------- the stream

/** GET /api/jobs/stream with fetch: EventSource cannot send the Authorization header. */
async function openStream() {
  stopStream();
  const controller = new AbortController();
  state.stream = controller;
  try {
    const response = await fetch('/api/jobs/stream', { headers: { Accept: 'text/event-stream',
      Authorization: state.auth }, credentials: 'omit', cache: 'no-store', signal: controller.signal });
    if (response.status === 401) { showLogin('Your session ended: sign in again.'); return; }
    if (!response.ok) throw new Error('stream answered ' + response.status);
    setStreamState(true);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + value).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  } catch (e) {
    // the connection dropped: reconnect below, unless we closed it
  }
  if (controller.signal.aborted || state.stream !== controller) return;
  setStreamState(false);
  setTimeout(() => {
    if (state.stream === controller && state.me) {
      openStream();
      refreshSoon(); // what ended while the stream was down
    }
  }, 3000);
}

function stopStream() {
  if (state.stream) state.stream.abort();
  state.stream = null;
  setStreamState(false);
}

function setStreamState(on) {
  $('stream-state').classList.toggle('on', on);
  $('stream-state').title = on ? 'live updates on' : 'live updates off: reconnecting';
}

/** One server-sent event: "event:" names it, "data:" lines carry JSON, lines from ":" on are comments. */
function dispatch(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return;
  let payload;
  try { payload = JSON.parse(data.join('\n')); } catch (e) { return; }
  if (name === 'job') onJob(payload);
  else if (name === 'progress') onProgress(payload);
}

// ---------------------------------------------------------------------------------------------- recent jobs

async function loadJobs(first) {
  const query = '/api/jobs?limit=' + JOBS_PAGE + (first || !state.nextCursor ? ''
    : '&cursor=' + encodeURIComponent(state.nextCursor));
  const response = await api(query);
  const jobs = await response.json();
  state.nextCursor = response.headers.get('X-Next-Cursor');
  const items = jobs.map(jobItem);
  if (first) $('jobs').replaceChildren(...items); else $('jobs').append(...items);
  $('jobs-more').hidden = !state.nextCursor;
}

function jobItem(job) {
  const where = job.cycle !== null && job.cycle !== undefined
    ? ' · cycle ' + job.cycle + (job.level !== null && job.level !== undefined ? ' level ' + job.level : '') : '';
  const figures = job.plan ? 'dry run' : job.files !== null && job.files !== undefined
    ? files(job.files) + ' · ' + bytes(job.bytes) : '';
  return h('li', { 'data-job-id': job.jobId },
    h('span', { class: 'status ' + job.status }, job.status),
    h('span', { class: 'job-title', title: job.jobId + ' · source ' + job.source },
      typeName(job.type) + ' ' + (job.dataset || '')),
    h('span', { class: 'job-meta', title: when(job.queuedAt) }, ago(job.queuedAt)),
    h('span', { class: 'job-sub' }, (where ? where.slice(3) : '') + (where && figures ? ' · ' : '') + figures
      + ' · ' + job.source),
    job.error ? h('span', { class: 'job-error' }, job.error.message) : null);
}

// ---------------------------------------------------------------------------------------------- start

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', signIn);
  $('login-mode').addEventListener('click', toggleLoginMode);
  $('logout').addEventListener('click', () => showLogin(''));
  $('refresh').addEventListener('click', () => { loadDatasets().catch((e) => toast(e.message, true)); loadJobs(true); });
  $('jobs-more').addEventListener('click', () => loadJobs(false).catch((e) => toast(e.message, true)));
  setInterval(renderLive, 30000); // ages and the removal of old finished jobs
  if (state.auth) {
    start().catch((e) => showLogin(e.status === 401 ? '' : e.message));
  } else {
    showLogin('');
  }
});
