// Happypath analytics dashboard: calls the analytics REST API with the analyst token the user pastes (kept in this
// tab's sessionStorage) or the page is given in its fragment (#token=...&journey=...&from=...&to=...).
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const FIELDS = ['journey', 'from', 'to', 'steps', 'top', 'label', 'startsWith', 'experiment', 'refresh'];
  const charts = {};
  let timer = null;

  function chart(id) {
    // SVG keeps node labels in the DOM: readable by assistive technology and by the browser test.
    if (!charts[id]) {
      charts[id] = echarts.init($(id), null, { renderer: 'svg' });
      window.addEventListener('resize', () => charts[id].resize());
    }
    return charts[id];
  }

  function readFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (params.get('token')) {
      sessionStorage.setItem('hp.token', params.get('token'));
      // Do not leave the token in the address bar or the history.
      params.delete('token');
      history.replaceState(null, '', location.pathname + location.search + (params.toString() ? '#' + params : ''));
    }
    FIELDS.forEach((f) => { if (params.get(f) !== null) { $(f).value = params.get(f); } });
    $('token').value = sessionStorage.getItem('hp.token') || '';
  }

  function status(text) { $('status').textContent = text || ''; }

  async function api(path, params) {
    const query = new URLSearchParams();
    Object.entries(params || {}).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') { query.set(k, v); } });
    const url = path + (query.toString() ? '?' + query : '');
    const response = await fetch(url, { headers: { Authorization: 'Bearer ' + $('token').value.trim(), Accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || (response.status + ' ' + response.statusText));
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function range() {
    return { from: $('from').value.trim(), to: $('to').value.trim() };
  }

  async function loadLists() {
    try {
      const journeys = await api('/v1/analytics/journeys');
      $('journeys').innerHTML = journeys.journeys.map((j) => `<option value="${escapeHtml(j.journeyId)}">`).join('');
      if (!$('journey').value && journeys.journeys.length) { $('journey').value = journeys.journeys[0].journeyId; }
      const experiments = await api('/v1/analytics/experiments');
      $('experiments').innerHTML = experiments.experiments.map((e) => `<option value="${escapeHtml(e.experimentId)}">`).join('');
      if (!$('experiment').value && experiments.experiments.length) { $('experiment').value = experiments.experiments[0].experimentId; }
    } catch (e) {
      // The panels report the error themselves.
    }
  }

  async function refresh() {
    if (!$('token').value.trim()) {
      status('Paste an analyst token to see the data (./happypath token analyst).');
      return;
    }
    sessionStorage.setItem('hp.token', $('token').value.trim());
    status('Loading…');
    await loadLists();
    const results = await Promise.allSettled([drawSankey(), drawFunnel(), drawChannels(), drawExperiment(),
      drawPerformance()]);
    const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
    status(failed.length ? failed.join(' · ') : 'Updated ' + new Date().toLocaleTimeString());
  }

  async function drawSankey() {
    const s = await api('/v1/paths', Object.assign(range(), {
      steps: $('steps').value, top: $('top').value, label: $('label').value,
      startsWith: $('startsWith').value.trim(), journey: $('journey').value.trim() || undefined
    }));
    const nodes = s.nodes.map((n) => ({
      name: n.id, depth: n.column, value: n.profiles, label_: n.label,
      itemStyle: n.label === 'drop-off' ? { color: '#b0b7c3' } : (n.label === 'other' ? { color: '#8d99ae' } : undefined)
    }));
    chart('sankey').setOption({
      tooltip: { trigger: 'item', formatter: (p) => p.dataType === 'edge'
          ? `${label(p.data.source)} → ${label(p.data.target)}: ${p.data.value} profiles`
          : `${p.data.label_}: ${p.data.value} profiles` },
      series: [{
        type: 'sankey', left: 10, right: 160, nodeAlign: 'left', layoutIterations: 0, emphasis: { focus: 'adjacency' },
        data: nodes, links: s.links.map((l) => ({ source: l.source, target: l.target, value: l.profiles })),
        label: { formatter: (p) => `${p.data.label_} (${p.data.value})` },
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 }
      }]
    }, true);
  }

  function label(id) { return id.substring(id.indexOf(':') + 1); }

  async function drawFunnel() {
    const journey = $('journey').value.trim();
    if (!journey) { chart('funnel').clear(); $('funnel-table').innerHTML = ''; return; }
    const f = await api('/v1/journeys/' + encodeURIComponent(journey) + '/funnel', range());
    chart('funnel').setOption({
      tooltip: { trigger: 'item', formatter: '{b}: {c} profiles' },
      series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', label: { formatter: '{b}: {c}' },
        data: f.stages.map((s) => ({ name: s.stage, value: s.entered })) }]
    }, true);
    $('funnel-table').innerHTML = '<tr><th>stage</th><th>entered</th><th>to next</th><th>rate</th><th>median</th><th>p90</th></tr>'
      + f.stages.map((s) => `<tr><td>${escapeHtml(s.stage)}</td><td>${s.entered}</td><td>${s.convertedToNext ?? '–'}</td>`
        + `<td>${pct(s.conversionRate)}</td><td>${duration(s.medianSecondsToNext)}</td><td>${duration(s.p90SecondsToNext)}</td></tr>`).join('');
  }

  async function drawChannels() {
    const journey = $('journey').value.trim();
    if (!journey) { chart('channels').clear(); $('channels-table').innerHTML = ''; return; }
    const c = await api('/v1/journeys/' + encodeURIComponent(journey) + '/channels', range());
    const rows = [];
    c.stages.forEach((s) => s.channels.forEach((ch) => rows.push(Object.assign({ stage: s.stage }, ch))));
    chart('channels').setOption({
      tooltip: { trigger: 'axis' }, legend: { data: ['touched', 'untouched'] },
      xAxis: { type: 'category', data: rows.map((r) => r.stage + ' · ' + r.channel), axisLabel: { rotate: 20 } },
      yAxis: { type: 'value', name: 'advanced', axisLabel: { formatter: (v) => Math.round(v * 100) + ' %' } },
      series: [{ name: 'touched', type: 'bar', data: rows.map((r) => r.rate) },
        { name: 'untouched', type: 'bar', data: rows.map((r) => r.untouchedRate) }]
    }, true);
    $('channels-table').innerHTML = '<tr><th>stage · channel</th><th>touched</th><th>advanced</th><th>rate</th><th>lift</th></tr>'
      + rows.map((r) => `<tr><td>${escapeHtml(r.stage + ' · ' + r.channel)}</td><td>${r.touched}</td><td>${r.advanced}</td>`
        + `<td>${pct(r.rate)}</td><td class="${r.lift > 0 ? 'good' : 'bad'}">${r.lift === null ? '–' : pct(r.lift)}</td></tr>`).join('');
  }

  async function drawExperiment() {
    const id = $('experiment').value.trim();
    if (!id) { $('experiment-table').innerHTML = ''; return; }
    const e = await api('/v1/experiments/' + encodeURIComponent(id));
    const srm = e.sampleRatioMismatch;
    $('experiment-table').innerHTML = '<tr><th>variant</th><th>exposed</th><th>converted</th><th>rate</th><th>uplift (95 % interval)</th>'
      + '<th>confidence</th><th>chance to beat control</th></tr>'
      + e.variants.map((v) => `<tr><td>${escapeHtml(v.variant)}${v.control ? ' (control)' : ''}</td><td>${v.exposed}</td><td>${v.converted}</td>`
        + `<td>${pct(v.rate)}</td><td>${v.uplift == null ? '–' : pct(v.uplift) + ' (' + pct(v.upliftLower) + ' … ' + pct(v.upliftUpper) + ')'}</td>`
        + `<td>${pct(v.confidence)}</td><td>${pct(v.chanceToBeatControl)}</td></tr>`).join('')
      + `<tr><td colspan="7" class="${srm.mismatch ? 'bad' : 'good'}">sample ratio: χ² ${srm.chiSquare.toFixed(2)}, p = ${srm.pValue.toPrecision(3)}`
      + `${srm.mismatch ? ' — mismatch, do not trust these results' : ''}</td></tr>`;
  }

  async function drawPerformance() {
    const p = await api('/v1/actions/performance', range());
    $('tone-deaf').textContent = `${p.decisions} decisions · ${p.impressions} impressions · `
      + `${p.toneDeafStopped} tone-deaf offers stopped by the guards (open service issue, frustration, consent)`;
    const reasons = p.suppressionsByReason;
    chart('performance').setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 120, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: 'suppressions' },
      yAxis: { type: 'category', inverse: true, data: reasons.map((r) => r.reason) },
      series: [{ type: 'bar', barMaxWidth: 28, data: reasons.map((r) => ({ value: r.suppressions,
        itemStyle: { color: r.toneDeaf ? '#c62828' : '#8d99ae' } })) }]
    }, true);
    $('performance-table').innerHTML = '<tr><th>action</th><th>impressions</th><th>clicked</th><th>accepted</th>'
      + '<th>converted</th><th>dismissed</th><th>suppressed</th><th>tone-deaf stopped</th></tr>'
      + p.actions.map((a) => `<tr><td>${escapeHtml(a.actionId)}</td><td>${a.impressions}</td>`
        + ['clicked', 'accepted', 'converted', 'dismissed'].map((o) => `<td>${a.outcomes[o]} (${pct(a.rates[o])})</td>`).join('')
        + `<td>${a.suppressed}</td><td>${a.toneDeafStopped}</td></tr>`).join('');
  }

  function pct(x) { return x === null || x === undefined ? '–' : (x * 100).toFixed(1) + ' %'; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '–'; }
    if (seconds < 120) { return Math.round(seconds) + ' s'; }
    if (seconds < 7200) { return Math.round(seconds / 60) + ' min'; }
    if (seconds < 172800) { return (seconds / 3600).toFixed(1) + ' h'; }
    return (seconds / 86400).toFixed(1) + ' d';
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function schedule() {
    if (timer) { clearInterval(timer); timer = null; }
    const seconds = Number($('refresh').value);
    if (seconds > 0) { timer = setInterval(refresh, seconds * 1000); }
  }

  readFragment();
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
  $('refresh').addEventListener('change', schedule);
  schedule();
  refresh();
})();
