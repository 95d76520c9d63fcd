// FuncTasks operator dashboard: plain JavaScript, no dependencies, same-origin calls only.
// Reads: GET /v1/tasks (list), GET /v1/tasks/{id} (task + subtasks), GET /api/v1/processes/{id} (steps, params,
// attempts, history, progress), GET /tasks/{id} (error with stack and cause), GET /v1/jobs/{id} (whether a task
// waiting on an external step is a Flatfile job, and its phase). Acts: PATCH /v1/tasks/{id} (retry),
// DELETE /v1/tasks/{id} (cancel), POST /api/v1/processes/restart-failed-step, POST /api/v1/processes/complete-step
// (an external step), POST /v1/jobs/{id}/complete (an agent's job). Role: GET /dashboard/me.
'use strict';

(() => {
  const KEY_STORAGE = 'functasks.key';
  const PAGE_SIZE = 20;
  const TASK_POLL_MS = 1000;
  const LIST_POLL_MS = 3000;
  const STATUSES = ['IN_PROGRESS', 'FAILED', 'SUCCESSFUL', 'CANCELLED', 'PENDING'];
  const RUNNING = new Set(['PENDING', 'IN_PROGRESS']);
  const LONG_MIN = -(2n ** 63n);
  const LONG_MAX = 2n ** 63n - 1n;

  const $ = (id) => document.getElementById(id);
  let me = null;
  let pollTimer = null;
  let renderToken = 0;
  let lastListHash = '#/';
  /** Tasks known not to be Flatfile jobs (GET /v1/jobs/{id} answered 404): not asked again. */
  const notJobs = new Set();

  // ---------- DOM ----------

  /** h('tag.class', {attrs}, ...children): builds elements; text is always text, never HTML. */
  function h(spec, attrs, ...children) {
    const [tag, ...classes] = spec.split('.');
    const el = document.createElement(tag);
    if (classes.length) el.className = classes.join(' ');
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else if (name === 'testid') el.dataset.testid = value;
      else if (value === true) el.setAttribute(name, '');
      else el.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function showAlert(message) {
    const el = $('alert');
    el.textContent = message || '';
    el.hidden = !message;
  }

  function showNotice(message) {
    const el = $('notice');
    el.textContent = message || '';
    el.hidden = !message;
  }

  // ---------- API ----------

  class ApiError extends Error {
    constructor(status, body, what) {
      super(describeError(status, body, what));
      this.status = status;
      this.body = body;
    }
  }

  /**
   * A message without the punctuation its writer left dangling when the last part was empty:
   * "… answered 503 (ServiceUnavailable): " → "… answered 503 (ServiceUnavailable)".
   */
  function tidy(text) {
    return String(text ?? '').replace(/[\s:;,\u2013\u2014-]+$/u, '').trim();
  }

  /** "Type: message", or whichever of the two there is. */
  function typed(type, message) {
    const text = tidy(message);
    return type && text ? `${type}: ${text}` : (text || type || '');
  }

  /** Every dialect's error body, in words: VCF Error, Cognaize envelope, Flatfile errors, DR ResponseError. */
  function describeError(status, body, what) {
    const general = {
      0: 'FuncTasks could not be reached',
      400: 'The request was not accepted',
      401: 'The key was not accepted',
      403: 'This key may not do that (it is a reader key, or not allowed here)',
      404: 'Not found',
      409: 'Not possible in the task\'s current state',
      412: 'Precondition failed',
      413: 'The request is too large',
      500: 'FuncTasks had an unexpected error',
      503: 'FuncTasks is not available right now',
    }[status] || `The request failed with HTTP ${status}`;
    let detail = '';
    if (body && typeof body === 'object') {
      if (Array.isArray(body.errors) && body.errors.length && body.errors.every((e) => e && e.message)) {
        detail = body.errors.map((e) => (e.key ? `${e.key}: ` : '') + e.message).join('; ');
      } else if ('data' in body && 'timestamp' in body && 'message' in body) {
        const d = body.data;
        if (d && typeof d === 'object' && d.reason) {
          detail = d.reason;
          const facts = [];
          if (d.precondition) facts.push(`precondition: ${d.precondition}`);
          if (d.field) facts.push(`field: ${d.field}`);
          if (d.actualStatus) facts.push(`current status: ${d.actualStatus}`);
          if (facts.length) detail += ` (${facts.join(', ')})`;
        } else if (typeof d === 'string' && d) {
          detail = status >= 500 ? `${body.message}; reference ${d}` : d;
        } else {
          detail = body.message;
        }
      } else if (body.message) {
        detail = body.message;
        if (body.remediationMessage) detail += ` ${body.remediationMessage}`;
        if (body.referenceToken) detail += ` Reference: ${body.referenceToken}.`;
        if (body.op_id) detail += ` Reference: ${body.op_id}.`;
      }
    } else if (typeof body === 'string' && body.trim()) {
      detail = body.trim().slice(0, 300);
    }
    detail = tidy(detail);
    const prefix = what ? `${what}: ` : '';
    return `${prefix}${general}${status ? ` (HTTP ${status})` : ''}${detail ? ` — ${detail}` : '.'}`;
  }

  /** JSON with exact 64-bit longValue parameters (kept as strings where the browser exposes the source text). */
  function parseJson(text) {
    return JSON.parse(text, function (key, value, context) {
      return key === 'longValue' && context && typeof context.source === 'string' ? context.source : value;
    });
  }

  async function api(method, path, options = {}) {
    const headers = { Accept: 'application/json' };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.Authorization = `Bearer ${key}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: options.body, cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, `network error: ${error.message}`, options.what);
    }
    const text = await response.text();
    let body = text;
    if (text && (response.headers.get('content-type') || '').includes('json')) {
      try {
        body = parseJson(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) throw new ApiError(response.status, body, options.what);
    return body;
  }

  // ---------- formatting ----------

  function formatTime(value) {
    if (!value) return '—';
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    const thisYear = date.getFullYear() === new Date().getFullYear();
    return date.toLocaleString(undefined, {
      year: thisYear ? undefined : 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  function formatDuration(from, to) {
    if (!from) return '—';
    const ms = (to ? new Date(to) : new Date()) - new Date(from);
    if (!Number.isFinite(ms) || ms < 0) return '—';
    if (ms < 1000) return `${ms} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
    const hrs = Math.floor(m / 60);
    return hrs < 48 ? `${hrs} h ${m % 60} min` : `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
  }

  const statusWord = (status) => (status || 'UNKNOWN').replaceAll('_', ' ');

  function badge(status) {
    return h(`span.badge.s-${(status || 'unknown').toLowerCase()}`, { testid: 'status' }, statusWord(status));
  }

  function progressBar(percent, status) {
    const known = Number.isFinite(percent);
    const value = known ? Math.max(0, Math.min(100, percent)) : (status === 'SUCCESSFUL' ? 100 : 0);
    const fill = h(`div.fill.s-${(status || 'unknown').toLowerCase()}`);
    fill.style.width = `${value}%`;
    return h('div.progress', { testid: 'progress', title: known ? `${value}%` : 'progress unknown' },
      h('div.bar', { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value }, fill),
      h('span.pct', {}, known || status === 'SUCCESSFUL' ? `${value}%` : '…'));
  }

  function paramText(param) {
    if (!param) return '';
    if (param.type === 'STRING') return param.strValue ?? '';
    if (param.type === 'LONG') return param.longValue === undefined || param.longValue === null ? '' : String(param.longValue);
    if (param.type === 'DOUBLE') return param.doubleValue === undefined || param.doubleValue === null ? '' : String(param.doubleValue);
    return param.strValue ?? String(param.longValue ?? param.doubleValue ?? '');
  }

  function paramsTable(params, testid) {
    const names = Object.keys(params || {}).sort();
    if (!names.length) return h('p.muted', {}, 'No parameters.');
    return h('table.params', { testid },
      h('tbody', {}, names.map((name) => h('tr', {},
        h('th', {}, name),
        h('td.type', {}, params[name].type),
        h('td', { testid: `param-${name}` }, paramText(params[name]))))));
  }

  // ---------- routing ----------

  function route() {
    const hash = location.hash || '#/';
    const task = /^#\/tasks\/([^/?]+)/.exec(hash);
    if (task) return { view: 'task', id: decodeURIComponent(task[1]) };
    const query = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
    return {
      view: 'list',
      status: query.get('status') || '',
      search: query.get('q') || '',
      page: Math.max(1, parseInt(query.get('page') || '1', 10) || 1),
    };
  }

  function listHash({ status, search, page }) {
    const query = new URLSearchParams();
    if (status) query.set('status', status);
    if (search) query.set('q', search);
    if (page > 1) query.set('page', String(page));
    const text = query.toString();
    return text ? `#/?${text}` : '#/';
  }

  function stopPolling() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  async function render() {
    stopPolling();
    const token = ++renderToken;
    showAlert('');
    if (!sessionStorage.getItem(KEY_STORAGE)) {
      showSignIn();
      return;
    }
    if (!me) {
      try {
        me = await api('GET', '/dashboard/me', { what: 'Checking the key' });
      } catch (error) {
        if (error.status === 401) sessionStorage.removeItem(KEY_STORAGE);
        showSignIn(error.message);
        return;
      }
    }
    if (token !== renderToken) return;
    $('sign-in').hidden = true;
    $('who').hidden = false;
    $('who-text').textContent = `${me.name} · ${me.role}`;
    const view = $('view');
    view.hidden = false;
    const r = route();
    if (r.view === 'task') await renderTask(view, r.id, token, true);
    else {
      lastListHash = location.hash || '#/';
      await renderList(view, r, token, true);
    }
  }

  const canAct = () => me && me.role === 'operator';

  function showSignIn(message) {
    me = null;
    $('view').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    showAlert(message || '');
    $('key-input').focus();
  }

  // ---------- task list ----------

  async function renderList(view, r, token, first) {
    if (first) {
      view.replaceChildren(listSkeleton(r));
    }
    const query = new URLSearchParams({ pageSize: String(PAGE_SIZE), pageNumber: String(r.page) });
    if (r.status) query.set('taskStatus', r.status);
    if (r.search) query.set('taskName', r.search);
    let page;
    try {
      page = await api('GET', `/v1/tasks?${query}`, { what: 'Loading tasks' });
    } catch (error) {
      if (token !== renderToken) return;
      showAlert(error.message);
      schedule(token, LIST_POLL_MS, () => renderList(view, r, token, false));
      return;
    }
    if (token !== renderToken) return;
    const facts = await Promise.all(page.elements.map((task) => rowFacts(task)));
    if (token !== renderToken) return;
    showAlert('');
    const body = view.querySelector('tbody');
    body.replaceChildren(...page.elements.map((task, i) => taskRow(task, facts[i])));
    if (!page.elements.length) {
      body.append(h('tr.empty', {}, h('td', { colspan: 7 }, r.status || r.search ? 'No task matches these filters.' : 'No tasks yet.')));
    }
    const meta = page.pageMetadata || {};
    const pages = Math.max(1, meta.totalPages || 1);
    view.querySelector('[data-testid="page-info"]').textContent =
      `Page ${meta.pageNumber || r.page} of ${pages} · ${meta.totalElements ?? page.elements.length} task${meta.totalElements === 1 ? '' : 's'}`;
    view.querySelector('[data-testid="newer"]').disabled = r.page <= 1;
    view.querySelector('[data-testid="older"]').disabled = r.page >= pages;
    if (page.elements.some((t) => RUNNING.has(t.status))) {
      schedule(token, LIST_POLL_MS, () => renderList(view, r, token, false));
    }
  }

  function listSkeleton(r) {
    const status = h('select', { id: 'status-filter', testid: 'status-filter', 'aria-label': 'Status' },
      h('option', { value: '' }, 'All statuses'),
      STATUSES.map((s) => h('option', { value: s, selected: s === r.status }, statusWord(s))));
    status.addEventListener('change', () => { location.hash = listHash({ ...r, status: status.value, page: 1 }); });
    const search = h('input', { type: 'search', id: 'search', testid: 'search', placeholder: 'Search by name', value: r.search, 'aria-label': 'Search by name' });
    let debounce = null;
    search.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => { location.hash = listHash({ ...r, search: search.value.trim(), page: 1 }); }, 300);
    });
    return h('div.card', {},
      h('div.toolbar', {},
        h('h1', {}, 'Tasks'),
        h('div.filters', {}, status, search,
          h('button', { type: 'button', testid: 'refresh', onclick: () => render() }, 'Refresh'))),
      h('table.tasks', { testid: 'task-list' },
        h('thead', {}, h('tr', {},
          ['Task', 'Type', 'Status', 'Progress', 'Created', 'Finished', 'Duration'].map((c) => h('th', {}, c)))),
        h('tbody', {}, h('tr.empty', {}, h('td', { colspan: 7 }, 'Loading…')))),
      h('div.pager', {},
        h('button', { type: 'button', testid: 'newer', disabled: true, onclick: () => { location.hash = listHash({ ...r, page: r.page - 1 }); } }, '‹ Newer'),
        h('span', { testid: 'page-info' }, ''),
        h('button', { type: 'button', testid: 'older', disabled: true, onclick: () => { location.hash = listHash({ ...r, page: r.page + 1 }); } }, 'Older ›')));
  }

  /** What a row needs besides the list item: progress and steps (the process view), and the job when one may wait for an agent. */
  async function rowFacts(task) {
    const process = await processView(task.id).catch(() => null);
    const job = process && RUNNING.has(task.status) ? await jobOf(task.id, process.steps) : null;
    return { process, job };
  }

  /** The line under a row's name: where a failed task failed and why, or what a running one does or waits for. */
  function rowReason(task, process, job) {
    if (!process) return null;
    if (task.status === 'FAILED') {
      const failed = failedStep(process.steps);
      const why = failed ? tidy(failed.step.error && failed.step.error.message) : tidy(process.error && process.error.message);
      const where = failed ? `Failed at step ${failed.index + 1} '${failed.step.name}' (${failed.step.action})` : 'Failed';
      return h('p.why.k-failed', { testid: 'why', 'data-kind': 'failed' }, why ? `${where}: ${why}` : where);
    }
    if (!RUNNING.has(task.status)) return null;
    const doing = situation(task, process.steps, job);
    return doing ? h(`p.why.k-${doing.kind}`, { testid: 'why', 'data-kind': doing.kind }, `${doing.title}: ${doing.brief}`) : null;
  }

  function taskRow(task, facts) {
    const { process, job } = facts || {};
    return h('tr', { testid: 'task-row', 'data-task-id': task.id, 'data-status': task.status },
      h('td', {}, h('a', { href: `#/tasks/${encodeURIComponent(task.id)}`, testid: 'task-link' }, task.name),
        h('div.id', {}, task.id),
        rowReason(task, process, job)),
      h('td', {}, task.type),
      h('td', {}, badge(task.status)),
      h('td', {}, progressBar(process ? process.progress : undefined, task.status)),
      h('td', {}, formatTime(task.creationTimestamp)),
      h('td', {}, formatTime(task.completionTimestamp)),
      h('td', {}, formatDuration(task.creationTimestamp, task.completionTimestamp)));
  }

  function schedule(token, ms, action) {
    stopPolling();
    pollTimer = setTimeout(() => { if (token === renderToken) action(); }, ms);
  }

  function taskInfo(id) {
    return api('GET', `/tasks/${encodeURIComponent(id)}`, { what: 'Loading the task info' });
  }

  function processView(id) {
    return api('GET', `/api/v1/processes/${encodeURIComponent(id)}`, { what: 'Loading the steps' }).then((env) => env.data);
  }

  // ---------- what a task does or waits for ----------

  const isAction = (step, action) => (step.action || '').toLowerCase() === action;

  /** The step the task is at: the one that has started, else the next one to run. */
  function currentStep(steps) {
    const list = steps || [];
    const index = list.findIndex((s) => s.status === 'STARTED');
    const at = index >= 0 ? index : list.findIndex((s) => s.status === 'PENDING');
    return at >= 0 ? { step: list[at], index: at } : null;
  }

  function failedStep(steps) {
    const index = (steps || []).findIndex((s) => s.status === 'FAILED');
    return index >= 0 ? { step: steps[index], index } : null;
  }

  /**
   * The Flatfile job behind a task whose current step is external (an agent's job is one), or null: a task that is
   * not a job answers 404 once and is not asked again.
   */
  async function jobOf(id, steps) {
    const at = currentStep(steps);
    if (!at || !isAction(at.step, 'external') || notJobs.has(id)) return null;
    try {
      return (await api('GET', `/v1/jobs/${encodeURIComponent(id)}`, { what: 'Loading the job' })).data;
    } catch (error) {
      if (error.status === 404) notJobs.add(id);
      return null;
    }
  }

  function formatSeconds(seconds) {
    return formatDuration(new Date(0).toISOString(), new Date(seconds * 1000).toISOString());
  }

  /** The ids an await-tasks step waits for (its taskIds parameter). */
  function awaitedIds(step) {
    const text = step.params && step.params.taskIds ? paramText(step.params.taskIds) : '';
    return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
  }

  /**
   * What a task that has not finished is doing, derived from its steps: waiting for an agent (a Flatfile job), for an
   * external completion (an external step), on a timer (a delay step) or for predecessors (an await-tasks step);
   * else running or queued. kind, title, brief (for the list) and text (for the task page).
   */
  function situation(task, steps, job) {
    if (task.status === 'PENDING') {
      return job || (steps || []).length
        ? { kind: 'created', title: 'Not started', brief: 'created, waiting to be executed', text: `'${task.name}' was created and has not been started yet.` }
        : null;
    }
    const at = currentStep(steps);
    if (!at) return null;
    const { step } = at;
    const started = step.status === 'STARTED';
    const named = `step ${at.index + 1} '${step.name}'`;
    if (isAction(step, 'external') && job) {
      if (job.status === 'ready') {
        return {
          kind: 'agent', phase: 'ready', step, at, completeBy: 'job', title: 'Waiting for an agent', brief: 'no agent has taken the job yet',
          text: `Job '${task.name}' is ready: it waits for an agent to take it, do the work and complete or fail it.`,
        };
      }
      const info = tidy(job.info);
      return {
        kind: 'agent', phase: job.status, step, at, completeBy: 'job', title: 'Waiting for the agent',
        brief: `taken ${formatTime(job.startedAt)}, ${job.progress ?? 0}% done`,
        text: `An agent took job '${task.name}' at ${formatTime(job.startedAt)} and reports ${job.progress ?? 0}% done${info ? ` (${info})` : ''}; the job finishes when the agent completes or fails it.`,
      };
    }
    if (isAction(step, 'external') && started) {
      return {
        kind: 'external', step, at, completeBy: 'step', title: 'Waiting for an external completion', brief: `${named}`,
        text: `Step '${step.name}' (external) has started and waits for someone outside FuncTasks to complete it; ` +
          (steps[at.index + 1] ? `then the task carries on with step ${at.index + 2} '${steps[at.index + 1].name}'.` : 'it is the last step, so the task then succeeds.'),
      };
    }
    if (isAction(step, 'delay') && started) {
      const seconds = Number(paramText(step.params && step.params.seconds));
      const until = step.startedAt && Number.isFinite(seconds) ? new Date(new Date(step.startedAt).getTime() + seconds * 1000) : null;
      const left = until ? Math.max(0, (until.getTime() - Date.now()) / 1000) : null;
      return {
        kind: 'timer', step, at, title: 'Waiting on a timer', brief: `${named} until ${until ? formatTime(until.toISOString()) : '—'}`,
        text: `Step '${step.name}' (delay) waits ${Number.isFinite(seconds) ? formatSeconds(seconds) : 'its set time'}` +
          (until ? `, until ${formatTime(until.toISOString())} (${formatSeconds(left)} left).` : '.'),
      };
    }
    if (isAction(step, 'await-tasks') && started) {
      const ids = awaitedIds(step);
      const parts = step.name === 'parts';
      return {
        kind: 'predecessor', step, at, ids, title: parts ? 'Waiting for its parts' : `Waiting for ${ids.length === 1 ? 'a predecessor' : 'predecessors'}`,
        brief: `${named} (await-tasks, ${ids.length} task${ids.length === 1 ? '' : 's'})`,
        text: ids.length === 1
          ? `Step '${step.name}' (await-tasks) waits until this task has succeeded; it fails if that task fails or is cancelled.`
          : `Step '${step.name}' (await-tasks) waits until these ${ids.length} tasks have succeeded; it fails if one of them fails or is cancelled.`,
      };
    }
    if (started) {
      return { kind: 'running', step, at, title: 'Running', brief: `${named} (${step.action})`, text: `Step '${step.name}' (${step.action}) is running.` };
    }
    return {
      kind: 'queued', step, at, title: 'Queued', brief: `${named} (${step.action}) is next`,
      text: `Step '${step.name}' (${step.action}) is next; a worker picks it up shortly.`,
    };
  }

  // ---------- task page ----------

  async function renderTask(view, id, token, first) {
    if (first) view.replaceChildren(h('div.card', {}, h('a.back', { href: lastListHash }, '← All tasks'), h('p.muted', {}, 'Loading…')));
    let task;
    try {
      task = await api('GET', `/v1/tasks/${encodeURIComponent(id)}`, { what: 'Loading the task' });
    } catch (error) {
      if (token !== renderToken) return;
      showAlert(error.message);
      if (error.status !== 404 && error.status !== 401) schedule(token, TASK_POLL_MS * 3, () => renderTask(view, id, token, false));
      return;
    }
    const [process, info] = await Promise.all([
      processView(id).catch((e) => e),
      taskInfo(id).catch((e) => e),
    ]);
    const steps = process instanceof Error ? [] : process.steps;
    const job = RUNNING.has(task.status) ? await jobOf(id, steps) : null;
    const doing = RUNNING.has(task.status) ? situation(task, steps, job) : null;
    const awaited = doing && doing.kind === 'predecessor' ? await awaitedTasks(doing.ids) : null;
    if (token !== renderToken) return;
    if (view.querySelector('[data-testid="param-editor"]')) {
      // Never rebuild under an operator who is editing parameters.
      return;
    }
    showAlert([process, info].filter((x) => x instanceof Error).map((e) => e.message).join(' ') || '');
    view.replaceChildren(taskPage(task, process instanceof Error ? null : process, info instanceof Error ? null : info, { doing, awaited }, view, token));
    if (RUNNING.has(task.status)) schedule(token, TASK_POLL_MS, () => renderTask(view, id, token, false));
  }

  /** The tasks an await-tasks step waits for, with their names and statuses (at most 10 are looked up). */
  function awaitedTasks(ids) {
    return Promise.all(ids.slice(0, 10).map((id) => api('GET', `/v1/tasks/${encodeURIComponent(id)}`, { what: 'Loading an awaited task' })
      .then((t) => ({ id, name: t.name, status: t.status }), (e) => ({ id, name: null, status: e.status === 404 ? 'NOT FOUND' : null }))));
  }

  function taskPage(task, process, info, waits, view, token) {
    const refresh = () => renderTask(view, task.id, token, false);
    const actions = h('div.actions', { testid: 'task-actions' });
    if (canAct() && task.isRetryable) {
      actions.append(h('button.primary', { type: 'button', testid: 'retry', onclick: () => retryTask(task, refresh) }, 'Retry task'));
    }
    if (canAct() && task.isCancellable) {
      actions.append(h('button.danger', { type: 'button', testid: 'cancel', onclick: () => cancelTask(task, refresh) }, 'Cancel task'));
    }
    const progress = info && Number.isFinite(info.progress) ? info.progress : (process ? process.progress : undefined);
    const started = (process && process.startedAt) || (info && info.start_time) || task.creationTimestamp;
    // "Completed" only for a success; a failed or cancelled task has finished without completing.
    const finishedLabel = task.status === 'SUCCESSFUL' ? 'Completed' : 'Finished';
    const failed = task.status === 'FAILED' ? failedStepOf(task, process) : null;
    return h('div', {},
      h('div.card', { testid: 'task-header' },
        h('a.back', { href: lastListHash }, '← All tasks'),
        h('div.title', {},
          h('h1', { testid: 'task-name' }, task.name),
          badge(task.status),
          actions),
        h('dl.facts', {},
          h('dt', {}, 'Type'), h('dd', {}, task.type),
          h('dt', {}, 'Id'), h('dd.id', { testid: 'task-id' }, task.id),
          h('dt', {}, 'Created'), h('dd', {}, formatTime(task.creationTimestamp)),
          h('dt', {}, 'Started'), h('dd', {}, formatTime(started)),
          h('dt', { testid: 'finished-label' }, finishedLabel), h('dd', { testid: 'finished' }, formatTime(task.completionTimestamp)),
          h('dt', {}, 'Duration'), h('dd', { testid: 'duration' }, formatDuration(started, task.completionTimestamp)),
          h('dt', {}, 'Progress'), h('dd', {}, progressBar(progress, task.status))),
        RUNNING.has(task.status) ? h('p.live', { testid: 'live' }, 'Live: updating every second while the task runs.') : null),
      waits.doing ? waitingCard(task, waits.doing, waits.awaited, refresh) : null,
      task.status === 'FAILED' ? errorCard(task, info, failed) : null,
      stepsCard(task, process, waits.doing, refresh),
      historyCard(process));
  }

  /** What a running task does or waits for, with the action that ends an external wait (operator keys only). */
  function waitingCard(task, doing, awaited, refresh) {
    const head = h('div.title', {}, h('h2', { testid: 'waiting-title' }, doing.title));
    const card = h(`div.card.waiting.k-${doing.kind}`, { testid: 'waiting', 'data-kind': doing.kind }, head,
      h('p', { testid: 'waiting-text' }, doing.text));
    if (awaited && awaited.length) {
      card.append(h('ul.awaited', { testid: 'awaited' }, awaited.map((a) => h('li', {},
        h('a', { href: `#/tasks/${encodeURIComponent(a.id)}` }, a.name || a.id), ' ',
        a.status ? badge(a.status) : null))));
    }
    if (doing.completeBy) {
      const label = doing.completeBy === 'job' ? 'Complete job' : 'Complete step';
      if (canAct()) {
        head.append(h('div.actions', {},
          h('button.primary', { type: 'button', testid: 'complete-step', onclick: () => completeExternal(task, doing, refresh) }, `${label}…`)));
        card.append(h('p.hint', { testid: 'waiting-hint' }, doing.completeBy !== 'job'
          ? `When the external work is done, press ${label}: step '${doing.step.name}' is marked completed and the task carries on.`
          : doing.phase === 'ready'
            ? `To finish it without an agent, press ${label}: the job is marked complete.`
            : `To finish it without waiting for the agent, press ${label}: the job is marked complete and the agent can no longer report on it.`));
      } else {
        card.append(h('p.hint', { testid: 'waiting-hint' }, `With an operator key, this page's ${label} button finishes the wait.`));
      }
    }
    return card;
  }

  // The audit trail (the process view's events): who changed what, when. Collapsed: the steps come first.
  function historyCard(process) {
    const events = (process && process.events) || [];
    if (!events.length) return null;
    return h('div.card', { testid: 'history' },
      h('details', {},
        h('summary', {}, h('h2.inline', {}, `History (${events.length})`)),
        h('ol.history', {}, events.map((e) => h('li', { testid: 'event', 'data-kind': e.kind },
          h('span.times', {}, formatTime(e.timestamp)), ' ',
          h('strong', {}, e.actor), ' ',
          h('span.action', {}, e.operation || ''), ' ',
          tidy(e.message) || e.kind)))));
  }

  /** The failed step: from the steps, else from the error's context (stepName, stepId, action). */
  function failedStepOf(task, process) {
    const found = process ? failedStep(process.steps) : null;
    if (found) return { name: found.step.name, action: found.step.action, number: found.index + 1 };
    const context = ((task.errors || [])[0] || {}).context || {};
    if (!context.stepName) return null;
    const index = (task.subTasks || []).findIndex((s) => s.id === context.stepId);
    return { name: context.stepName, action: context.action, number: index >= 0 ? index + 1 : null };
  }

  /**
   * The error: the failed step, the message, then its cause chain, a hint that names this page's buttons, and the
   * stack traces last, collapsed (async plumbing frames hidden until asked for).
   */
  function errorCard(task, info, failed) {
    const vcf = (task.errors || [])[0];
    const chain = errorChain(info && info.error, vcf);
    const title = failed
      ? `Failed at step ${failed.number ? `${failed.number} ` : ''}'${failed.name}'${failed.action ? ` (${failed.action})` : ''}`
      : 'Error';
    const card = h('div.card.error', { testid: 'task-error' }, h('h2', { testid: 'failed-step' }, title));
    if (!chain.length) card.append(h('p.muted', {}, 'The task failed without error details.'));
    chain.forEach((e, i) => card.append(h('div.exception', { testid: i === 0 ? 'error-top' : 'error-cause' },
      h('p.message', {}, i === 0 ? null : 'Caused by ', e.type ? h('span.type', {}, e.type) : null, e.type && e.message ? ': ' : '', e.message))));
    card.append(h('p.hint', { testid: 'hint' }, failureHint(task, failed)));
    const stack = stackDetails(chain);
    if (stack) card.append(stack);
    return card;
  }

  /** The error and its causes, outermost first: messages and stacks from the task info, types from the VCF error. */
  function errorChain(error, vcf) {
    const chain = [];
    const causes = (vcf && vcf.causes) || [];
    for (let e = error, depth = 0; e && depth < 10; e = e.cause, depth++) {
      const type = depth === 0 ? vcf && vcf.errorType : causes[depth - 1] && causes[depth - 1].type;
      chain.push({ type: type || null, message: tidy(e.message || e.localized_message), frames: e.stack_trace || [] });
    }
    if (!chain.length && vcf) {
      chain.push({ type: vcf.errorType || null, message: tidy(vcf.message), frames: [] });
      for (const cause of causes) chain.push({ type: cause.type || null, message: tidy(cause.message), frames: [] });
    }
    return chain;
  }

  /** What to do about a failure, in terms of this page's buttons (never API paths). */
  function failureHint(task, failed) {
    const step = failed ? `step '${failed.name}'` : null;
    if (!canAct()) {
      return step
        ? `Fix the cause; with an operator key, this page then offers Retry task (run ${step} again as it was) and, on ${step}, Edit parameters and restart.`
        : 'Fix the cause; with an operator key, this page then offers Retry task.';
    }
    if (!task.isRetryable) return 'Fix the cause; this task can no longer be retried.';
    return step
      ? `Fix the cause, then press Retry task to run ${step} again with the same parameters, or Edit parameters and restart on ${step} below to run it with corrected ones.`
      : 'Fix the cause, then press Retry task.';
  }

  // Async state machines and the thread pool add dozens of frames that say nothing about the failure.
  const PLUMBING = /^(System\.Runtime\.CompilerServices\.|System\.Threading\.)/;

  /** Every exception's stack, under one collapsed section. */
  function stackDetails(chain) {
    const withFrames = chain.filter((e) => e.frames.length);
    if (!withFrames.length) return null;
    let shownCount = 0;
    let hiddenCount = 0;
    const blocks = chain.map((e, i) => {
      if (!e.frames.length) return null;
      const block = stackBlock(e.frames);
      shownCount += block.shown;
      hiddenCount += e.frames.length - block.shown;
      const label = e.type ? e.type.split('.').pop() : 'Exception';
      return h('div.stack-of', { testid: 'stack-of' }, h('p.stack-label', {}, i === 0 ? label : `Caused by ${label}`), block.pre, block.toggle);
    });
    return h('details.stacks', { testid: 'stack-details' },
      h('summary', {}, `Stack trace (${shownCount} frame${shownCount === 1 ? '' : 's'}${hiddenCount > 0 ? `, ${hiddenCount} async plumbing frames hidden` : ''})`),
      blocks);
  }

  function stackBlock(frames) {
    const line = (f) => `at ${f.class_name ? `${f.class_name}.` : ''}${f.method_name}${f.file_name ? ` (${f.file_name}${f.line_number > 0 ? `:${f.line_number}` : ''})` : ''}`;
    const meaningful = frames.filter((f) => !PLUMBING.test(f.class_name || ''));
    const shown = meaningful.length ? meaningful : frames;
    const pre = h('pre.stack', { testid: 'stack' }, shown.map(line).join('\n'));
    const hidden = frames.length - shown.length;
    const toggle = hidden > 0 ? h('button.link.small', { type: 'button', testid: 'all-frames' }, `Show all ${frames.length} frames`) : null;
    if (toggle) {
      toggle.addEventListener('click', () => {
        const all = pre.dataset.all !== 'true';
        pre.dataset.all = String(all);
        pre.textContent = (all ? frames : shown).map(line).join('\n');
        toggle.textContent = all ? `Show ${shown.length} frames without async plumbing` : `Show all ${frames.length} frames`;
      });
    }
    return { pre, toggle, shown: shown.length };
  }

  function stepsCard(task, process, doing, refresh) {
    const subTasks = new Map((task.subTasks || []).map((s) => [s.id, s]));
    const steps = process ? process.steps : (task.subTasks || []).map((s) => ({ processStepId: s.id, name: s.name, action: s.type, params: {}, attempts: [] }));
    return h('div.card', {},
      h('h2', {}, `Steps (${steps.length})`),
      h('ol.timeline', { testid: 'steps' }, steps.map((step, i) => stepItem(step, subTasks.get(step.processStepId), i,
        doing && doing.step && doing.step.processStepId === step.processStepId ? doing : null, refresh, task))));
  }

  /** A step waiting for its next attempt: "attempt 2 of 4 failed: …; next attempt in 3 s" (docs/retries.md). */
  function retryWait(step, sub, task) {
    const next = step.nextAttemptAt || (sub && sub.nextAttemptAt);
    if (!next) return null;
    const attempts = step.attempts || [];
    let failed = 0;
    for (let i = attempts.length - 1; i >= 0 && attempts[i].status === 'FAILED'; i--) failed++;
    const policy = step.retry || (sub && sub.retry) || (task && task.retry);
    const last = attempts[attempts.length - 1];
    const why = tidy((last && last.error && last.error.message) || (step.error && step.error.message) || 'no details');
    const seconds = Math.max(0, Math.ceil((Date.parse(next) - Date.now()) / 1000));
    return h('p.retry-wait', { testid: 'retry-wait' },
      `attempt ${Math.max(1, failed)}${policy ? ` of ${policy.maxAttempts}` : ''} failed: ${why}; next attempt in ${seconds} s`);
  }

  function stepItem(step, sub, index, doing, refresh, task) {
    const status = sub ? sub.status : step.status;
    const item = h(`li.step.s-${(status || 'unknown').toLowerCase()}`, { testid: 'step', 'data-step-name': step.name, 'data-status': status });
    item.append(
      h('div.step-head', {},
        h('span.dot', { 'aria-hidden': 'true' }),
        h('strong', {}, `${index + 1}. ${step.name}`),
        h('span.action', {}, step.action),
        badge(status),
        doing && doing.kind !== 'running' && doing.kind !== 'queued' ? h(`span.wait.k-${doing.kind}`, { testid: 'step-wait' }, doing.title) : null,
        h('span.times', {}, step.startedAt ? `${formatTime(step.startedAt)} · ${formatDuration(step.startedAt, step.completedAt)}` : 'not started')),
      h('div.step-body', {},
        h('h3', {}, 'Parameters in force'),
        paramsTable(step.params, 'step-params'),
        step.output ? h('p.output', {}, h('span.label', {}, 'Output: '), step.output) : null,
        retryWait(step, sub, task),
        step.error ? h('p.step-error', { testid: 'step-error' }, typed(step.error.type, step.error.message)) : null,
        attemptsList(step.attempts || [])));
    if (status === 'FAILED' && canAct()) {
      const button = h('button.primary', { type: 'button', testid: 'restart-step' }, 'Edit parameters and restart');
      button.addEventListener('click', () => {
        button.hidden = true;
        item.querySelector('.step-body').append(paramEditor(step, refresh, () => { button.hidden = false; }));
      });
      item.querySelector('.step-head').append(button);
    }
    return item;
  }

  function attemptsList(attempts) {
    if (!attempts.length) return null;
    return h('div.attempts', {},
      h('h3', {}, `Attempts (${attempts.length})`),
      h('ol', { testid: 'attempts' }, attempts.map((a) => h('li.attempt', { testid: 'attempt', 'data-status': a.status },
        h('div', {}, h('strong', {}, `#${a.number}`), ' ', badge(a.status),
          h('span.times', {}, `${formatTime(a.startedAt)} → ${formatTime(a.finishedAt)} (${formatDuration(a.startedAt, a.finishedAt)})`)),
        paramsTable(a.params, 'attempt-params'),
        a.error ? h('p.step-error', {}, typed(a.error.type, a.error.message),
          a.error.cause ? h('span.cause', {}, ` — caused by ${typed(a.error.cause.type, a.error.cause.message)}`) : null) : null))));
  }

  // ---------- parameter editor ----------

  function checkParam(row) {
    const name = row.name.value.trim();
    const text = row.value.value;
    if (!name) return 'Give the parameter a name.';
    if (row.type.value === 'LONG') {
      if (!/^[+-]?\d+$/.test(text.trim())) return `${name} must be a whole number (LONG), e.g. 30.`;
      const n = BigInt(text.trim());
      if (n < LONG_MIN || n > LONG_MAX) return `${name} is outside the LONG range (−2^63 to 2^63−1).`;
    } else if (row.type.value === 'DOUBLE') {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !Number.isFinite(Number(text))) {
        return `${name} must be a number (DOUBLE), e.g. 0.5.`;
      }
    }
    return '';
  }

  function paramJson(row) {
    const text = row.value.value.trim();
    switch (row.type.value) {
      case 'LONG': return `{"longValue":${BigInt(text).toString()},"type":"LONG"}`;
      case 'DOUBLE': return `{"doubleValue":${JSON.stringify(Number(text))},"type":"DOUBLE"}`;
      default: return `{"strValue":${JSON.stringify(row.value.value)},"type":"STRING"}`;
    }
  }

  function paramEditor(step, refresh, onClose) {
    const rows = [];
    const list = h('tbody');
    const summary = h('p.problem', { role: 'alert', testid: 'editor-problem' });
    const addRow = (name, param, existing) => {
      const row = {
        name: h('input', { type: 'text', value: name, readonly: existing, 'aria-label': 'Parameter name', testid: 'param-name', spellcheck: 'false' }),
        type: h('select', { 'aria-label': `Type of ${name || 'the new parameter'}`, testid: `type-${name || 'new'}` },
          ['STRING', 'LONG', 'DOUBLE'].map((t) => h('option', { value: t, selected: param.type === t }, t))),
        value: h('input', { type: 'text', value: paramText(param), 'aria-label': `Value of ${name || 'the new parameter'}`, testid: `value-${name || 'new'}`, spellcheck: 'false' }),
        problem: h('span.problem', { role: 'alert', testid: `problem-${name || 'new'}` }),
      };
      const check = () => {
        row.problem.textContent = checkParam(row);
        row.value.setAttribute('aria-invalid', row.problem.textContent ? 'true' : 'false');
        if (rows.every((r) => !checkParam(r))) summary.textContent = '';
      };
      for (const input of [row.name, row.type, row.value]) input.addEventListener('input', check);
      rows.push(row);
      list.append(h('tr', {}, h('td', {}, row.name), h('td', {}, row.type), h('td', {}, row.value, row.problem)));
      return row;
    };
    for (const name of Object.keys(step.params || {}).sort()) addRow(name, step.params[name], true);

    const form = h('form.editor', { testid: 'param-editor', novalidate: true },
      h('h3', {}, `New parameters for step '${step.name}'`),
      h('p.muted', {}, 'The step runs again from the start with these values; completed steps do not run again.'),
      h('table.edit', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Value'))), list),
      summary,
      h('div.buttons', {},
        h('button', { type: 'button', testid: 'add-param', onclick: () => addRow('', { type: 'STRING', strValue: '' }, false).name.focus() }, 'Add parameter'),
        h('button', { type: 'button', testid: 'close-editor', onclick: () => { form.remove(); onClose(); } }, 'Close'),
        h('button.primary', { type: 'submit', testid: 'send-restart' }, 'Restart step…')));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const problems = rows.map((row) => {
        row.problem.textContent = checkParam(row);
        return row.problem.textContent;
      }).filter(Boolean);
      const names = rows.map((r) => r.name.value.trim());
      const duplicate = names.find((n, i) => n && names.indexOf(n) !== i);
      if (duplicate) problems.push(`The parameter ${duplicate} is given twice.`);
      summary.textContent = problems.length ? `Not sent: ${problems.join(' ')}` : '';
      if (problems.length) {
        (rows.find((r) => r.problem.textContent) || rows[0]).value.focus();
        return;
      }
      const changed = rows.filter((r) => !step.params[r.name.value.trim()]
        || step.params[r.name.value.trim()].type !== r.type.value
        || paramText(step.params[r.name.value.trim()]) !== r.value.value);
      const confirmed = await confirmAction(`Restart step '${step.name}'?`,
        [h('p', {}, `The failed step runs again with these parameters, then the task carries on.`),
          h('ul', {}, rows.map((r) => h('li', {}, `${r.name.value.trim()} (${r.type.value}) = ${r.value.value}`,
            changed.includes(r) ? h('strong', {}, '  changed') : null)))],
        'Restart step');
      if (!confirmed) return;
      const body = `{"processStepId":${JSON.stringify(step.processStepId)},"params":{${rows.map((r) => `${JSON.stringify(r.name.value.trim())}:${paramJson(r)}`).join(',')}}}`;
      try {
        await api('POST', '/api/v1/processes/restart-failed-step', { body, what: `Restarting step '${step.name}'` });
      } catch (error) {
        summary.textContent = error.message;
        showAlert(error.message);
        return;
      }
      form.remove();
      showNotice(`Step '${step.name}' restarted with the new parameters; the task carries on from there.`);
      refresh();
    });
    return form;
  }

  // ---------- actions ----------

  function confirmAction(title, body, okLabel) {
    const dialog = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-body').replaceChildren(...(Array.isArray(body) ? body : [h('p', {}, body)]));
    $('confirm-ok').textContent = okLabel;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
    });
  }

  async function retryTask(task, refresh) {
    if (!await confirmAction(`Retry '${task.name}'?`, 'The task resumes at its failed step with the same parameters; completed steps do not run again.', 'Retry task')) return;
    try {
      await api('PATCH', `/v1/tasks/${encodeURIComponent(task.id)}`, { what: 'Retrying the task' });
    } catch (error) {
      showAlert(error.message);
      return;
    }
    showNotice(`Task '${task.name}' is retrying.`);
    refresh();
  }

  async function cancelTask(task, refresh) {
    if (!await confirmAction(`Cancel '${task.name}'?`, 'The running step is signalled to stop and no later step starts. This cannot be undone.', 'Cancel task')) return;
    try {
      await api('DELETE', `/v1/tasks/${encodeURIComponent(task.id)}`, { what: 'Cancelling the task' });
    } catch (error) {
      showAlert(error.message);
      return;
    }
    showNotice(`Task '${task.name}' was cancelled.`);
    refresh();
  }

  /**
   * Ends an external wait, after confirmation: a Flatfile job through POST /v1/jobs/{id}/complete (with an optional
   * note as its info), any other task's started external step through POST /api/v1/processes/complete-step.
   */
  async function completeExternal(task, doing, refresh) {
    const step = doing.step;
    if (doing.completeBy === 'job') {
      const note = h('input', { type: 'text', id: 'complete-note', testid: 'complete-note', spellcheck: 'false', maxlength: 500 });
      note.addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); $('confirm-ok').click(); } });
      const confirmed = await confirmAction(`Complete job '${task.name}'?`,
        [h('p', {}, doing.phase === 'ready'
          ? 'No agent has taken this job. It is marked complete as if an agent had done the work; this cannot be undone.'
          : 'The agent working on this job can no longer report on it: the job is marked complete now; this cannot be undone.'),
        h('label', { for: 'complete-note' }, 'Note for the job\'s info (optional)'), note],
        'Complete job');
      if (!confirmed) return;
      const info = note.value.trim();
      try {
        await api('POST', `/v1/jobs/${encodeURIComponent(task.id)}/complete`, { body: JSON.stringify(info ? { info } : {}), what: `Completing job '${task.name}'` });
      } catch (error) {
        showAlert(error.message);
        return;
      }
      showNotice(`Job '${task.name}' was completed.`);
      refresh();
      return;
    }
    if (!await confirmAction(`Complete step '${step.name}'?`,
      `Step '${step.name}' (external) is marked completed, as its external party would when done, and the task carries on with the next step. This cannot be undone.`,
      'Complete step')) return;
    try {
      await api('POST', '/api/v1/processes/complete-step', { body: JSON.stringify({ processStepId: step.processStepId }), what: `Completing step '${step.name}'` });
    } catch (error) {
      showAlert(error.message);
      return;
    }
    showNotice(`Step '${step.name}' was completed; the task carries on.`);
    refresh();
  }

  // ---------- start ----------

  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) {
      showAlert('Enter an API key.');
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    $('key-input').value = '';
    me = null;
    render();
  });

  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    me = null;
    showNotice('');
    render();
  });

  window.addEventListener('hashchange', () => {
    showNotice('');
    render();
  });

  render();
})();
