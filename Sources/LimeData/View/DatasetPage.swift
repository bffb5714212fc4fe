import Foundation

/// `lime view`'s page: one self-contained HTML file (no network) that renders a
/// `DatasetSample` embedded as JSON: pieces with their boundaries, tags on hover or as
/// rows, entities highlighted by type with a legend, tag and entity distributions as bar
/// charts, and each document's input file and line.
public enum DatasetPage {
    public static func html(_ sample: DatasetSample) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // "<" never appears raw inside the script element, so no text can close it.
        let json = String(decoding: try encoder.encode(sample), as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        return template.replacingOccurrences(of: "__LIME_DATA__", with: json)
    }

    static let template = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>lime view</title>
    <style>
    body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; color: #222; padding: 0 1em; }
    h1 { font-size: 1.4em; margin-bottom: 0.2em; } h2 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
    .meta { color: #666; font-size: 0.9em; }
    .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 2em; }
    .bar { display: grid; grid-template-columns: 9em 1fr 5em; align-items: center; font-size: 0.85em; }
    .bar .track { display: block; background: #eef2fb; margin: 0 0.6em; }
    .bar .fill { display: block; background: #5b8def; height: 0.9em; }
    .bar .n { text-align: right; color: #555; }
    .legend span { display: inline-block; margin: 0 0.6em 0.3em 0; padding: 0 0.4em; border-radius: 3px; font-size: 0.85em; }
    .doc { border-top: 1px solid #ddd; padding: 0.6em 0; }
    .doc header { font-size: 0.85em; color: #555; margin-bottom: 0.3em; }
    .doc header b { color: #222; }
    .text { white-space: pre-wrap; line-height: 2.1; }
    .piece { border-left: 1px solid #ccc; padding: 0 1px; }
    .piece.ws { border-left: 2px solid #888; }
    .piece .t { display: none; }
    body.rows .piece { display: inline-flex; flex-direction: column; vertical-align: top; line-height: 1.3; margin-bottom: 0.3em; }
    body.rows .piece .t { display: block; font-size: 0.7em; color: #777; }
    .ent { border-radius: 3px; padding: 1px 0; }
    .ent sup { font-size: 0.65em; font-weight: 600; margin-left: 2px; }
    .more { color: #999; font-style: italic; }
    </style>
    </head>
    <body>
    <h1>lime view</h1>
    <div class="meta" id="summary"></div>
    <p><label><input type="checkbox" id="rows"> show tags under every piece (otherwise: hover a piece)</label></p>
    <h2>Entity types</h2>
    <div class="legend" id="legend"></div>
    <div class="charts">
      <div><h2>Words per tag (whole dataset)</h2><div id="tag-chart"></div></div>
      <div><h2>Entities per type (whole dataset)</h2><div id="entity-chart"></div></div>
    </div>
    <h2>Documents</h2>
    <div id="documents"></div>
    <script type="application/json" id="lime-data">__LIME_DATA__</script>
    <script>
    "use strict";
    const data = JSON.parse(document.getElementById("lime-data").textContent);
    const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
    const colour = type => `hsl(${Math.round(360 * data.entity_types.indexOf(type) / data.entity_types.length)}, 75%, 82%)`;
    const c = data.counts;
    document.getElementById("summary").textContent =
      `${data.directory}: ${c.documents} documents, ${c.words} words, ${c.pieces} pieces in ${c.shards} shards; tokenizer ${data.tokenizer}; showing ${data.documents.length} documents`;
    document.getElementById("rows").addEventListener("change", e => document.body.classList.toggle("rows", e.target.checked));
    const legend = document.getElementById("legend");
    for (const type of data.entity_types) { const s = el("span", "", type); s.style.background = colour(type); legend.append(s); }
    function chart(id, counts, limit) {
      const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
      const top = rows.length ? rows[0][1] : 1, box = document.getElementById(id);
      for (const [label, n] of rows) {
        const row = el("div", "bar"); row.append(el("span", "", label));
        const track = el("span", "track"), fill = el("span", "fill"); fill.style.width = `${100 * n / top}%`; track.append(fill);
        row.append(track, el("span", "n", n.toLocaleString("en"))); box.append(row);
      }
    }
    chart("tag-chart", c.tags, 20);
    chart("entity-chart", c.entities, 18);
    const L = data.labels, box = document.getElementById("documents");
    for (const d of data.documents) {
      const section = el("section", "doc"), header = el("header");
      header.append(el("b", "", d.id), ` \u2014 ${d.input}, line ${d.line} \u2014 ${d.shard} \u2014 ${d.pieces.length + d.truncated} pieces`);
      const text = el("div", "text");
      let mark = null;
      d.pieces.forEach((piece, i) => {
        const ner = L.ner[d.ner[i]], tag = L.tag[d.tag[i]], pos = L.pos[d.pos[i]];
        const span = el("span", d.word_start[i] ? "piece ws" : "piece");
        span.title = `${JSON.stringify(piece)}  ${tag} \u00b7 ${pos} \u00b7 ${ner}`;
        span.append(el("span", "p", piece), el("span", "t", `${tag} ${pos} ${ner}`));
        const type = ner.length > 2 && ner[1] === "-" ? ner.slice(2) : null;
        const begins = type && (ner[0] === "B" && d.word_start[i] || !mark || mark.dataset.type !== type);
        if (!type) mark = null;
        else if (begins) {
          mark = el("mark", "ent"); mark.dataset.type = type; mark.style.background = colour(type);
          text.append(mark);
        }
        (mark || text).append(span);
        const next = i + 1 < d.pieces.length ? L.ner[d.ner[i + 1]] : "O";
        if (mark && (next === "O" || next.slice(2) !== type || next[0] === "B" && d.word_start[i + 1])) {
          mark.append(el("sup", "", type)); mark = null;
        }
      });
      if (d.truncated) text.append(el("span", "more", ` \u2026 ${d.truncated} more pieces`));
      section.append(header, text); box.append(section);
    }
    </script>
    </body>
    </html>
    """#
}
