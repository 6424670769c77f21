// Agent Dispatch dashboard: live updates on top of server-rendered pages. Every page reads without
// this script; with it, rows, events and transcript lines arrive over Server-Sent Events as HTML
// the App rendered, and this script only places them.
(() => {
  const fragment = (html) => {
    const template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  };

  const status = document.querySelector('[data-live-status]');
  const show = (text, off) => {
    if (!status) return;
    status.hidden = false;
    status.textContent = text;
    status.classList.toggle('off', off);
  };
  const streams = [];
  function open(stream) {
    const source = new EventSource(stream.url);
    for (const [name, handler] of Object.entries(stream.handlers))
      source.addEventListener(name, (message) => handler(JSON.parse(message.data)));
    source.addEventListener('open', () => show('Live: updates appear as they happen.', false));
    source.addEventListener('error', () => show('Reconnecting…', true));
    stream.source = source;
  }
  function connect(url, handlers) {
    const stream = { url, handlers, source: undefined };
    streams.push(stream);
    open(stream);
  }
  // A hidden tab lets go of its streams (over HTTP/1.1 a browser keeps about six connections to
  // one host, and each live page holds one or two); shown again, it reopens them. What arrives
  // twice is placed once (every handler looks for the element first).
  document.addEventListener('visibilitychange', () => {
    for (const stream of streams) {
      if (document.hidden) {
        stream.source?.close();
        stream.source = undefined;
      } else if (!stream.source) open(stream);
    }
    if (document.hidden) show('Paused while this tab is hidden.', true);
  });

  function flash(element) {
    element.classList.remove('changed');
    void element.offsetWidth;
    element.classList.add('changed');
  }

  // The task table: a changed row is replaced where it is; a new one that matches the filter
  // comes in on top (first page only).
  const table = document.querySelector('table[data-live]');
  if (table) {
    const rows = table.querySelector('[data-rows]');
    const first = table.dataset.firstPage === 'true';
    connect(table.dataset.live, {
      row(data) {
        const existing = document.getElementById(`task-${data.id}`);
        const row = fragment(data.html);
        if (existing) {
          existing.replaceWith(row);
          flash(row);
        } else if (data.matches && first) {
          rows.prepend(row);
          flash(row);
          document.querySelector('[data-empty]')?.remove();
        }
      },
    });
  }

  // The activity stream: each event once, newest on top.
  const activity = document.querySelector('ol.activity[data-live]');
  if (activity) {
    connect(activity.dataset.live, {
      activity(data) {
        if (data.progress || document.getElementById(`ev-${data.key}`)) return;
        const item = fragment(data.html);
        activity.prepend(item);
        flash(item);
        document.querySelector('[data-empty]')?.remove();
        while (activity.children.length > 300) activity.lastElementChild.remove();
      },
    });
  }

  // A task's page: its timeline and transcript follow the task; a change of state reloads the
  // regions that depend on it (summary, actions, usage, diff) from the server.
  const task = document.querySelector('article.task[data-events]');
  if (task) {
    const timeline = task.querySelector('[data-timeline]');
    const box = task.querySelector('[data-follow]');
    const items = task.querySelector('[data-transcript-items]');
    const jump = task.querySelector('[data-jump]');
    let refreshing = false;
    let again = false;
    async function refreshRegions() {
      if (refreshing) {
        again = true;
        return;
      }
      refreshing = true;
      try {
        const response = await fetch(location.pathname, { headers: { accept: 'text/html' } });
        if (!response.ok) return;
        const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
        for (const region of doc.querySelectorAll('[data-region]')) {
          const current = document.getElementById(region.id);
          const open = current?.querySelector('details.confirm[open]');
          if (current && !open) current.replaceWith(document.importNode(region, true));
        }
        const fresh = doc.querySelector('article.task');
        if (fresh) task.dataset.state = fresh.dataset.state;
      } finally {
        refreshing = false;
        if (again) {
          again = false;
          void refreshRegions();
        }
      }
    }
    connect(task.dataset.events, {
      task_event(data) {
        if (!document.getElementById(`ev-${task.dataset.task}-${data.seq}`))
          timeline.append(fragment(data.html));
        if (data.toState || data.type === 'progress') void refreshRegions();
      },
    });
    const atBottom = () => box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const toBottom = () => {
      box.scrollTop = box.scrollHeight;
      jump.hidden = true;
    };
    box.addEventListener('scroll', () => {
      if (atBottom()) jump.hidden = true;
    });
    jump.addEventListener('click', () => {
      toBottom();
      box.focus();
    });
    toBottom();
    connect(task.dataset.transcript, {
      transcript(data) {
        if (document.getElementById(`tx-${data.id}`)) return;
        const follow = atBottom();
        items.append(fragment(data.html));
        box.querySelector('[data-empty]')?.remove();
        if (follow) toBottom();
        else jump.hidden = false;
      },
    });
  }

  // Confirmations: one open at a time, Escape closes it, its button gets the focus.
  for (const confirm of document.querySelectorAll('details.confirm')) {
    confirm.addEventListener('toggle', () => {
      if (!confirm.open) return;
      for (const other of document.querySelectorAll('details.confirm[open]'))
        if (other !== confirm) other.open = false;
      confirm.querySelector('button[type=submit]')?.focus();
    });
    confirm.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      confirm.open = false;
      confirm.querySelector('summary').focus();
    });
  }

  // "/" focuses the search field.
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName ?? '')) return;
    const field = document.querySelector('[data-hotkey="/"]');
    if (!field) return;
    event.preventDefault();
    field.focus();
  });

  // Relative times stay true while the page is open.
  function ago(date) {
    const seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (seconds < 5) return 'just now';
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
    return date.toISOString().slice(0, 10);
  }
  setInterval(() => {
    for (const time of document.querySelectorAll('time[datetime]'))
      time.textContent = ago(new Date(time.dateTime));
  }, 15000);

  // Charts (uPlot): drawn from the numbers the figure carries, in the theme's colours.
  const charts = document.querySelectorAll('figure[data-chart]');
  if (charts.length > 0 && window.uPlot) {
    // Custom properties hold light-dark() pairs: let the browser resolve each to a colour.
    const resolve = (name) => {
      const probe = document.createElement('span');
      probe.style.color = `var(${name})`;
      document.body.append(probe);
      const value = getComputedStyle(probe).color;
      probe.remove();
      return value;
    };
    const palette = Array.from({ length: 8 }, (_, i) => resolve(`--series-${i + 1}`));
    const colour = (i) => palette[i % 8];
    const ink = resolve('--muted');
    const grid = resolve('--line');
    const drawn = [];
    for (const figure of charts) {
      const data = JSON.parse(figure.dataset.chart);
      const canvas = figure.querySelector('[data-chart-canvas]');
      figure.querySelector('[data-chart-fallback]')?.remove();
      const money = data.unit === 'usd';
      const value = (_u, v) =>
        v == null ? '—' : money ? `$${v.toFixed(2)}` : Math.round(v).toLocaleString();
      const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      const options = {
        width: Math.max(280, canvas.clientWidth),
        height: 240,
        series: [
          {},
          ...data.series.map((s, i) => ({
            label: s.label,
            stroke: colour(i),
            width: 2,
            value,
            points: { size: 5 },
          })),
        ],
        axes: [
          axis,
          {
            ...axis,
            values: (_u, ticks) => ticks.map((t) => (money ? `$${t}` : t.toLocaleString())),
            size: 60,
          },
        ],
        scales: { x: { time: true } },
        cursor: { points: { size: 7 } },
      };
      if (data.series.length === 0) {
        canvas.textContent = 'Nothing ran in this range.';
        continue;
      }
      drawn.push([new window.uPlot(options, [data.x, ...data.series.map((s) => s.values)], canvas), canvas]);
    }
    let timer;
    window.addEventListener('resize', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        for (const [chart, canvas] of drawn)
          chart.setSize({ width: Math.max(280, canvas.clientWidth), height: 240 });
      }, 150);
    });
  }
})();
