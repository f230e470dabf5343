// The live page: polls /api/snapshot and /api/history, renders tables and uPlot charts. Plain
// browser JavaScript served as is (no build step). With a token, /login?token= has set an HttpOnly
// session cookie that the browser sends with every same-origin request; the script never sees it.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const fmt = (n, digits = 0) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : '–');
  const duration = (ms) => {
    if (typeof ms !== 'number') return '–';
    const s = Math.floor(ms / 1000);
    return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  };
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c === undefined || c === null ? '' : String(c)));
    return node;
  };
  const fillBody = (tableId, rows) => $(tableId).tBodies[0].replaceChildren(...rows);
  const showError = (id, section) => ($(id).textContent = section.error ? `stale: ${section.error}` : '');

  function renderServices(section) {
    const cards = (section.value || []).map((s) =>
      el('div', { class: `card ${s.up ? 'up' : 'down'}`, 'data-service': s.name, 'data-health': s.health },
        el('span', { class: 'health' }, s.health),
        el('div', { class: 'name' }, s.name),
        el('div', { class: 'addr' }, s.address),
        el('div', { class: 'meta' }, s.up ? (s.uptimeMs === undefined ? 'answering' : `up ${duration(s.uptimeMs)}${s.pid ? ` · pid ${s.pid}` : ''}`) : s.detail || 'not running')));
    $('services').replaceChildren(...cards);
  }

  function renderTopics(section, queries) {
    showError('topics-error', section);
    fillBody('topics', (section.value || []).map((t) => {
      const lags = queries.filter((q) => q.lagByTopic && t.topic in q.lagByTopic).map((q) => `${q.name}: ${fmt(q.lagByTopic[t.topic])}`).join(', ');
      return el('tr', { 'data-topic': t.topic },
        el('td', {}, t.topic), el('td', {}, t.partitions),
        el('td', {}, Object.entries(t.endOffsets).map(([p, o]) => `${p}:${o}`).join(' ')),
        el('td', { class: 'num' }, fmt(t.produced)), el('td', { class: 'num' }, fmt(t.producedPerSecond, 1)), el('td', {}, lags || '–'));
    }));
  }

  function renderQueries(section) {
    showError('queries-error', section);
    fillBody('queries', (section.value || []).map((q) =>
      el('tr', { 'data-query': q.name, 'data-active': q.active, 'data-state': q.state || '', 'data-processed-rate': q.processedRowsPerSecond ?? 0, 'data-lag': q.lag ?? '' },
        el('td', {}, q.name), el('td', { class: q.active ? 'state-active' : 'state-stopped' }, q.state || (q.active ? 'active' : 'stopped')),
        el('td', { class: 'num' }, fmt(q.inputRowsPerSecond, 1)), el('td', { class: 'num' }, fmt(q.processedRowsPerSecond, 1)),
        el('td', { class: 'num' }, fmt(q.batchDurationMs)), el('td', { class: 'num' }, fmt(q.batchId)),
        el('td', { class: 'num' }, fmt(q.lag)), el('td', {}, q.exception || q.lastError || ''))));
  }

  function renderCollections(section) {
    showError('collections-error', section);
    fillBody('collections', (section.value || []).map((c) =>
      el('tr', { 'data-collection': c.collection, 'data-count': c.documents },
        el('td', {}, c.collection), el('td', { class: 'num' }, fmt(c.documents)), el('td', { class: 'num' }, fmt(c.growthPerSecond, 1)))));
  }

  function renderLatest(section) {
    showError('latest-error', section);
    const latest = section.value || { documents: [], deadLetters: [], deadLettersByTopic: {} };
    $('latest').replaceChildren(...latest.documents.map((d) =>
      el('div', {}, el('h3', {}, d.collection), el('pre', {}, d.document ? JSON.stringify(d.document, null, 1) : '(empty)'))));
    $('dead-letters-by-topic').textContent = Object.entries(latest.deadLettersByTopic || {}).map(([t, n]) => `${t}: ${fmt(n)}`).join(' · ') || 'none';
    fillBody('dead-letters', latest.deadLetters.map((d) =>
      el('tr', {}, el('td', {}, d.id), el('td', {}, d.reason), el('td', {}, d.failedAt), el('td', { class: 'preview' }, d.preview))));
  }

  const charts = {};
  const SERIES = {
    'chart-throughput': [['produced', 'producedPerSecond', '#0969da'], ['written to MongoDB', 'writtenPerSecond', '#1a7f37'], ['processed (Spark)', 'processedPerSecond', '#8250df']],
    'chart-lag': [['lag', 'lag', '#cf222e']],
    'chart-batch': [['batch ms', 'batchDurationMs', '#9a6700']],
  };
  function renderCharts(points) {
    const xs = points.map((p) => p.t);
    for (const [id, series] of Object.entries(SERIES)) {
      const data = [xs, ...series.map(([, key]) => points.map((p) => p[key]))];
      const host = $(id);
      if (!charts[id]) {
        const width = Math.max(300, host.clientWidth || 360);
        charts[id] = new uPlot({ width, height: 180, series: [{}, ...series.map(([label, , stroke]) => ({ label, stroke, width: 2, spanGaps: true }))], axes: [{}, { size: 60 }], legend: { live: false } }, data, host);
      } else charts[id].setData(data);
    }
  }

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
    if (response.status === 401) throw new Error(`${path}: HTTP 401, log in with /login?token=<token>`);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // The pipeline does not change while the dashboard runs: read once (again after a failure).
  async function showPipeline() {
    try {
      const pipeline = await getJson('api/pipeline');
      $('flow').textContent = `${pipeline.name} : ${pipeline.flow.join(' → ')}`;
      $('flow').title = `${pipeline.file} · source ${pipeline.source.label} · topics ${pipeline.topics.join(', ')} · collections ${pipeline.collections.join(', ')}`;
      document.title = `streamline · ${pipeline.name} · pipeline dashboard`;
    } catch {
      setTimeout(showPipeline, refreshMs);
    }
  }

  let refreshMs = 2000;
  async function tick() {
    try {
      const [snapshot, history] = await Promise.all([getJson('api/snapshot'), getJson('api/history')]);
      refreshMs = snapshot.refreshMs || refreshMs;
      const queries = snapshot.queries.value || [];
      renderServices(snapshot.services);
      renderTopics(snapshot.topics, queries);
      renderQueries(snapshot.queries);
      renderCollections(snapshot.collections);
      renderLatest(snapshot.latest);
      renderCharts(history);
      $('updated').textContent = `updated ${new Date(snapshot.at).toLocaleTimeString()} · every ${refreshMs / 1000}s`;
      $('updated').className = 'muted';
    } catch (e) {
      $('updated').textContent = `dashboard unreachable: ${e.message}`;
      $('updated').className = 'error';
    } finally {
      setTimeout(tick, refreshMs);
    }
  }
  showPipeline();
  tick();
})();
