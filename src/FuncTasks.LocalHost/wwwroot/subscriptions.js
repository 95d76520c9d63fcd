// FuncTasks webhook subscriptions page: plain JavaScript, no dependencies, same-origin calls only.
// Reads GET /v1/subscriptions, GET /v1/subscriptions/{id}/deliveries, GET /dashboard/me; acts (operator keys) with
// POST /v1/subscriptions (the secret is shown once), PATCH /v1/subscriptions/{id} {enabled}, DELETE /v1/subscriptions/{id}.
'use strict';

(() => {
  const KEY_STORAGE = 'functasks.key';
  const EVENTS = ['task.created', 'task.started', 'task.succeeded', 'task.failed', 'task.cancelled', 'task.retried',
    'step.started', 'step.succeeded', 'step.failed', 'step.retrying', 'step.restarted', 'step.waiting'];
  const $ = (id) => document.getElementById(id);
  let operator = false;
  let shown = null;
  let refresh = null;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else if (name === 'testid') el.dataset.testid = value;
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json', Authorization: `Bearer ${sessionStorage.getItem(KEY_STORAGE)}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error((json && json.message) || `${method} ${path} answered ${response.status}`);
    return json;
  }

  function alertText(message) {
    $('alert').textContent = message || '';
    $('alert').hidden = !message;
  }

  async function load() {
    const page = await api('GET', '/v1/subscriptions');
    $('rows').replaceChildren(...page.elements.map(row));
    $('empty').hidden = page.elements.length > 0;
  }

  function row(s) {
    const d = s.deliveries;
    const status = s.enabled ? (d.failing ? 'failing' : 'enabled') : 'disabled';
    return h('tr', { testid: 'subscription-row' },
      h('td', {}, h('a', { href: '#', testid: 'subscription-link', onclick: (e) => { e.preventDefault(); showDeliveries(s); } }, s.url),
        s.description ? h('div', { class: 'id' }, s.description) : null),
      h('td', {}, s.events.length ? s.events.join(', ') : 'all'),
      h('td', {}, h('span', { class: `badge s-${s.enabled ? (d.failing ? 'failed' : 'successful') : 'cancelled'}`, testid: 'subscription-status' }, status),
        s.disabledReason ? h('div', { class: 'id' }, s.disabledReason) : null),
      h('td', { testid: 'delivered' }, String(d.delivered)),
      h('td', {}, d.lastError || '—'),
      h('td', {}, operator ? [
        h('button', { type: 'button', testid: 'toggle', onclick: () => act(() => api('PATCH', `/v1/subscriptions/${s.id}`, { enabled: !s.enabled })) },
          s.enabled ? 'Disable' : 'Enable'),
        ' ',
        h('button', { type: 'button', class: 'danger', testid: 'delete', onclick: () => { if (confirm(`Delete the subscription to ${s.url}?`)) act(() => api('DELETE', `/v1/subscriptions/${s.id}`)); } }, 'Delete'),
      ] : null));
  }

  /** Shows a subscription's recent deliveries and keeps them (and the figures) fresh every two seconds while shown. */
  async function showDeliveries(s) {
    shown = s.id;
    clearTimeout(refresh);
    let list;
    try {
      list = await api('GET', `/v1/subscriptions/${s.id}/deliveries?limit=50`);
    } catch (error) {
      shown = null;
      $('deliveries').hidden = true;
      await load().catch(() => {});
      return;
    }
    if (shown !== s.id) return;
    refresh = setTimeout(() => { if (shown === s.id) { load().catch(() => {}); showDeliveries(s); } }, 2000);
    $('deliveries-title').textContent = `Recent deliveries to ${s.url}`;
    $('delivery-rows').replaceChildren(...list.elements.map((a) => h('tr', { testid: 'delivery-row' },
      h('td', {}, new Date(a.at).toLocaleString()),
      h('td', {}, a.eventType, h('div', { class: 'id' }, a.eventId)),
      h('td', {}, String(a.attempt)),
      h('td', {}, a.statusCode === null ? 'no answer' : String(a.statusCode)),
      h('td', {}, `${a.latencyMs} ms`),
      h('td', {}, h('span', { class: `badge s-${a.outcome === 'DELIVERED' ? 'successful' : 'failed'}` }, a.outcome), a.error ? h('div', { class: 'id' }, a.error) : null))));
    $('deliveries').hidden = false;
  }

  async function act(call) {
    try {
      alertText('');
      await call();
      await load();
    } catch (error) {
      alertText(error.message);
    }
  }

  async function start() {
    if (!sessionStorage.getItem(KEY_STORAGE)) {
      $('sign-in').hidden = false;
      return;
    }

    try {
      const me = await api('GET', '/dashboard/me');
      operator = me.role === 'operator';
    } catch (error) {
      $('sign-in').hidden = false;
      alertText(error.message);
      return;
    }

    $('events').append(...EVENTS.map((e) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: e, testid: `event-${e}` }), ` ${e} `)));
    $('create').hidden = !operator;
    $('list').hidden = false;
    $('create-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const events = [...$('events').querySelectorAll('input:checked')].map((i) => i.value);
      act(async () => {
        const created = await api('POST', '/v1/subscriptions', { url: $('url').value, description: $('description').value || undefined, events });
        $('secret-value').textContent = created.secret;
        $('secret').hidden = false;
        $('create-form').reset();
      });
    });
    await act(() => Promise.resolve());
  }

  start();
})();
