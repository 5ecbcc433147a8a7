/// The console's script and style sheet, served from the binary: nothing is
/// loaded from the internet and nothing is built with npm (issue 20). The
/// pages carry no inline script or style, so that the Content-Security-Policy
/// can allow this origin's files alone.
enum ConsoleAssets {
    /// `/console.js`: fills the page's table (the conflicts page's versions,
    /// the dependency graph's colours) from the API every second and sends
    /// the buttons' changes with the page's CSRF token. Text goes into the
    /// page as text (`textContent`), never as HTML.
    static let script = #"""
        "use strict";
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const directions = ["erp-to-crm", "crm-to-erp"];

        async function call(method, path, body) {
          const response = await fetch(path, {
            method, credentials: "same-origin",
            headers: {"X-CSRF-Token": csrf, "Content-Type": "application/json"},
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const data = await response.json().catch(() => ({error: response.statusText, hint: ""}));
          if (response.status === 401) { location.assign("/login"); }
          if (!response.ok) { throw data; }
          return data;
        }

        function say(text, isError) {
          const message = document.getElementById("message");
          message.textContent = text;
          message.className = isError ? "error" : "note";
        }

        function failed(error) {
          say((error.error || String(error)) + (error.hint ? "; " + error.hint : ""), true);
        }

        function cell(row, text, name, value) {
          const td = document.createElement("td");
          td.textContent = text;
          if (name) { td.setAttribute(name, value === undefined ? "" : value); }
          row.appendChild(td);
          return td;
        }

        function button(parent, label, action, handler) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = label;
          b.dataset.action = action;
          b.addEventListener("click", handler);
          parent.appendChild(b);
        }

        function mapRow(map) {
          const row = document.createElement("tr");
          row.dataset.map = map.name;
          cell(row, map.name, "class", "name");
          cell(row, map.state, "class", "state");
          for (const direction of directions) {
            const d = map.directions.find((x) => x.direction === direction);
            cell(row, d ? (d.queued === null ? "?" : String(d.queued)) : "-", "data-queue", direction);
          }
          const lags = map.directions.map((d) => d.lagSeconds).filter((x) => x !== null);
          cell(row, lags.length ? Math.max(...lags).toFixed(1) + " s" : "-", "class", "lag");
          const parked = map.directions.map((d) => d.parked).filter((x) => x !== null);
          cell(row, parked.length ? String(parked.reduce((a, b) => a + b, 0)) : "-", "class", "parked");
          const error = map.directions.map((d) => d.lastError).find((x) => x) || map.reason || "";
          cell(row, error, "class", "last-error");
          const actions = cell(row, "", "class", "actions");
          for (const action of ["run", "pause", "resume", "stop"]) {
            button(actions, action[0].toUpperCase() + action.slice(1), action, () => act(map.name, action));
          }
          return row;
        }

        async function act(name, action) {
          try {
            const answer = await call("POST", "/api/v1/maps/" + encodeURIComponent(name) + "/" + action, {});
            let text = answer.transitions.length
              ? answer.transitions.map((t) => t.map + ": " + t.from + " → " + t.to).join(", ")
              : name + ": nothing to do";
            if (answer.dependentsUnchanged.length) {
              text += "; " + answer.dependentsUnchanged.join(", ") + " depend on it and keep their state";
            }
            const fresh = Object.entries(answer.rowsNotCarried);
            if (fresh.length) {
              text += "; rows live sync does not carry: " + fresh.map(([m, n]) => m + " " + n).join(", ")
                + " (`tandem maps initial-sync " + fresh.map(([m]) => m).join(" ") + "` brings them into step)";
            }
            if (answer.notStarted) { text += "; " + answer.notStarted; }
            if (!answer.engineRunning) { text += "; no engine is running: `tandem run` applies the change"; }
            say(text, false);
          } catch (error) { failed(error); }
          refresh();
        }

        function errorRow(entry) {
          const row = document.createElement("tr");
          row.dataset.id = entry.id;
          cell(row, entry.id, "class", "id");
          cell(row, entry.map, "class", "map");
          cell(row, entry.direction, "class", "direction");
          cell(row, entry.key, "class", "key");
          cell(row, entry.errorClass, "class", "class");
          cell(row, String(entry.attempts), "class", "attempts");
          cell(row, entry.reason, "class", "reason");
          const actions = cell(row, "", "class", "actions");
          if (!entry.id.startsWith("engine-")) {
            button(actions, "Retry", "retry", () => resolve(entry.id, "retry"));
            button(actions, "Discard", "discard", () => resolve(entry.id, "discard"));
          }
          return row;
        }

        async function resolve(id, action) {
          try {
            const results = await call("POST", "/api/v1/errors/" + encodeURIComponent(id) + "/" + action);
            say(results.map((r) => r.id + ": " + r.outcome + (r.detail ? " — " + r.detail : "")).join("; "), false);
          } catch (error) { failed(error); }
          refresh();
        }

        function conflictSection(view) {
          const c = view.conflict;
          const section = document.createElement("section");
          section.className = "conflict";
          section.dataset.id = c.id;
          section.dataset.status = c.status;
          const title = document.createElement("h2");
          title.textContent = c.id + " · " + c.map + " · key " + c.key;
          section.appendChild(title);
          const about = document.createElement("p");
          about.className = "about";
          about.textContent = "policy " + c.policy + " · " + c.status
            + (c.outcome ? " · " + c.outcome : "") + (c.resolvedBy ? " · by " + c.resolvedBy : "");
          section.appendChild(about);
          const table = document.createElement("table");
          table.className = "versions";
          const head = table.createTHead().insertRow();
          for (const label of ["ERP column", "ERP version", "CRM version", "CRM column", "Changed by"]) {
            const th = document.createElement("th");
            th.textContent = label;
            head.appendChild(th);
          }
          const body = table.createTBody();
          for (const f of view.fields) {
            const row = body.insertRow();
            // Highlighted: the fields each side changed since they were last in step.
            if (f.changedBy.length) { row.className = "changed-" + (f.changedBy.length > 1 ? "both" : f.changedBy[0]); }
            cell(row, f.erp == null ? "" : f.erp, "class", "erp-column");
            cell(row, f.erpValue == null ? "" : f.erpValue, "class", "erp-value");
            cell(row, f.crmValue == null ? "" : f.crmValue, "class", "crm-value");
            cell(row, f.crm == null ? "" : f.crm, "class", "crm-column");
            cell(row, f.changedBy.join(", "), "class", "changed-by");
          }
          section.appendChild(table);
          if (c.status === "open") {
            const actions = document.createElement("p");
            actions.className = "actions";
            actions.appendChild(document.createTextNode("Keep: "));
            button(actions, "ERP", "erp", () => decide(c.id, "erp"));
            button(actions, "CRM", "crm", () => decide(c.id, "crm"));
            // A merge needs two updates (an insert or a delete has no columns to merge).
            if (c.sourceChanged && c.targetChanged) { button(actions, "Merged", "merged", () => decide(c.id, "merged")); }
            section.appendChild(actions);
          }
          return section;
        }

        async function decide(id, take) {
          try {
            const results = await call("POST", "/api/v1/conflicts/" + encodeURIComponent(id) + "/resolve", {take});
            say(results.map((r) => r.id + ": " + r.outcome + (r.detail ? " — " + r.detail : "")).join("; "), false);
          } catch (error) { failed(error); }
          refresh();
        }

        function recolour(graph) {
          for (const map of graph.maps) {
            const node = document.querySelector('g.node[data-map="' + CSS.escape(map.name) + '"]');
            if (!node) { continue; }
            node.setAttribute("class", "node state-" + map.state.replace(/ /g, "-"));
            node.dataset.state = map.state;
            node.querySelector("text.state").textContent = map.state;
          }
        }

        async function refresh() {
          try {
            if (document.body.dataset.page === "maps") {
              const data = await call("GET", "/api/v1/maps");
              document.querySelector("#maps tbody").replaceChildren(...data.maps.map(mapRow));
              document.getElementById("engine").textContent = data.engineRunning
                ? "engine running" : "no engine running: changes wait for `tandem run`";
              const unreadable = data.unreadable.map((s) => s.side + " side cannot be read: " + s.error).join("; ");
              document.getElementById("sides").textContent = unreadable;
            } else if (document.body.dataset.page === "errors") {
              const entries = await call("GET", "/api/v1/errors");
              document.querySelector("#errors tbody").replaceChildren(...entries.map(errorRow));
              document.getElementById("count").textContent = entries.length + " parked";
            } else if (document.body.dataset.page === "conflicts") {
              const data = await call("GET", "/api/v1/conflicts");
              document.getElementById("conflicts").replaceChildren(...data.conflicts.map(conflictSection));
              const open = data.conflicts.filter((v) => v.conflict.status === "open").length;
              document.getElementById("count").textContent =
                open + " open, " + (data.conflicts.length - open) + " decided";
              const unreadable = data.unreadable.map((s) => s.side + " side cannot be read: " + s.error).join("; ");
              document.getElementById("sides").textContent = unreadable;
            } else if (document.body.dataset.page === "dependencies") {
              recolour(await call("GET", "/api/v1/dependencies"));
            }
            document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || "0") + 1);
          } catch (error) { failed(error); }
        }

        document.getElementById("logout").addEventListener("click", async () => {
          try { await call("POST", "/logout"); } catch (error) { /* the session is gone either way */ }
          location.assign("/login");
        });
        refresh();
        setInterval(refresh, 1000);
        """#

    /// `/console.css`: plain and readable; no web fonts (nothing from the internet).
    static let style = """
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        header { display: flex; gap: 1.5em; align-items: baseline; margin-bottom: 1em; }
        header h1 { font-size: 1.2em; margin: 0; }
        nav a { margin-right: 1em; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; }
        td[data-queue], td.lag, td.parked, td.attempts { text-align: right; font-variant-numeric: tabular-nums; }
        td.last-error, td.reason { color: #a33; max-width: 30em; }
        button { margin-right: 0.3em; }
        #message.error { color: #a33; }
        #message.note { color: #265; }
        #message, #engine, #sides { min-height: 1.2em; margin: 0.5em 0; }
        form.login { max-width: 24em; display: grid; gap: 0.6em; }
        p.error { color: #a33; }
        section.conflict { border: 1px solid #ddd; border-radius: 6px; padding: 0.4em 1em 0.8em; margin: 1em 0; }
        section.conflict h2 { font-size: 1.05em; margin: 0.4em 0; }
        section.conflict[data-status="open"] { border-color: #c80; }
        p.about { color: #555; margin: 0.3em 0 0.6em; }
        table.versions td.erp-value, table.versions td.crm-value { font-family: ui-monospace, monospace; }
        tr.changed-erp td.erp-value, tr.changed-crm td.crm-value { background: #fff1b8; font-weight: bold; }
        tr.changed-both td.erp-value, tr.changed-both td.crm-value { background: #ffd2b0; font-weight: bold; }
        p.actions { margin: 0.6em 0 0; }
        div.graph { overflow-x: auto; border: 1px solid #ddd; padding: 0.5em; }
        #graph rect { fill: #eee; stroke: #888; stroke-width: 1.5; }
        #graph text { font-size: 12px; fill: #222; }
        #graph text.state { font-size: 11px; fill: #555; }
        #graph path.edge { stroke: #777; stroke-width: 1.4; }
        #graph path.edge.lookup-only { stroke-dasharray: 5 4; }
        #graph path.arrow { fill: #777; }
        #graph .state-running rect { fill: #d9f2dd; stroke: #2e8540; }
        #graph .state-resuming rect, #graph .state-initializing rect { fill: #dde9fa; stroke: #2f62b0; }
        #graph .state-paused rect, #graph .state-stopped rect { fill: #fdf1c9; stroke: #a87b00; }
        #graph .state-failed rect { fill: #f9d6d5; stroke: #b3261e; }
        #graph .state-not-running rect { fill: #eeeeee; stroke: #888888; }
        #legend { list-style: none; padding: 0; display: flex; gap: 0.6em; flex-wrap: wrap; }
        #legend li { border: 2px solid #888; border-radius: 4px; padding: 0.1em 0.5em; font-size: 0.9em; }
        #legend .state-running { background: #d9f2dd; border-color: #2e8540; }
        #legend .state-resuming, #legend .state-initializing { background: #dde9fa; border-color: #2f62b0; }
        #legend .state-paused, #legend .state-stopped { background: #fdf1c9; border-color: #a87b00; }
        #legend .state-failed { background: #f9d6d5; border-color: #b3261e; }
        #order li { margin: 0.2em 0; }
        """
}
