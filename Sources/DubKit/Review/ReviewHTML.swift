import Foundation

/// The review page's markup: everything escaped, styles and the one script inline.
enum ReviewHTML {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let head = header.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table>"
    }

    static func dub(id: Int64, facts: [(String, String)], sides: [(label: String, audio: String, wave: String, spectrum: String)],
                    stages: [[String]]) -> String {
        let list = facts.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>" }.joined()
        let columns = sides.map { side in
            """
            <div class="side"><h3>\(escape(side.label))</h3>
            <audio controls preload="metadata" src="\(escape(side.audio))"></audio>
            <img alt="\(escape(side.label)) waveform" src="\(escape(side.wave))">
            <img alt="\(escape(side.label)) spectrogram" src="\(escape(side.spectrum))">
            </div>
            """
        }.joined(separator: "\n")
        let stageTable = stages.isEmpty ? "<p>No stage has run yet.</p>"
            : table(["Stage", "Attempt", "Outcome", "Started", "Finished", "Took", "Error"], stages)
        return """
            <section class="dub" id="dub-\(id)"><h2>Dub \(id)</h2>
            <dl>\(list)</dl>
            <div class="sides">\(columns.isEmpty ? "<p>No audio yet.</p>" : columns)</div>
            \(stageTable)
            </section>
            """
    }

    static func dataset(name: String, rows: [[String]]) -> String {
        """
        <section class="dataset"><h2>Dataset \(escape(name))</h2>
        \(rows.isEmpty ? "<p>No files.</p>" : table(["File", "Duration", "Rate", "Loudness", "Peak", "Clipped", "Speech", "SNR", "Issues"], rows))
        </section>
        """
    }

    static func page(title: String, dubs: [String], datasets: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
        h1 { font-size: 1.6em; } section { border-top: 1px solid #ccc; padding: 1em 0; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
        dt { font-weight: 600; } dd { margin: 0; font-family: monospace; }
        .sides { display: flex; gap: 2em; flex-wrap: wrap; } .side img { display: block; margin: 0.4em 0; max-width: 100%; }
        table { border-collapse: collapse; margin-top: 0.6em; } td, th { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }
        </style>
        <script>
        // Counts what went wrong while the page loads (script errors, files that fail to load, console
        // errors) and says so on <body data-errors>, for anyone checking the page automatically.
        var dubkitErrors = 0;
        window.addEventListener("error", function () { dubkitErrors++; }, true);
        var dubkitConsoleError = console.error;
        console.error = function () { dubkitErrors++; dubkitConsoleError.apply(console, arguments); };
        </script></head>
        <body data-images="pending">
        <h1>\(escape(title))</h1>
        \(dubs.isEmpty ? "<p>No dubs yet.</p>" : dubs.joined(separator: "\n"))
        \(datasets.joined(separator: "\n"))
        <script>
        // Says on <body> how many pictures and players loaded: data-images, data-audio ("n/m"), data-errors.
        function dubkitReport() {
          var images = Array.prototype.slice.call(document.images);
          var loaded = images.filter(function (img) { return img.complete && img.naturalWidth > 0; }).length;
          var players = Array.prototype.slice.call(document.querySelectorAll("audio"));
          var playable = players.filter(function (a) { return a.readyState >= 1 && a.duration > 0; }).length;
          document.body.setAttribute("data-images", loaded + "/" + images.length);
          document.body.setAttribute("data-audio", playable + "/" + players.length);
          document.body.setAttribute("data-errors", String(dubkitErrors));
        }
        window.addEventListener("load", dubkitReport);
        Array.prototype.forEach.call(document.querySelectorAll("audio"), function (a) {
          a.addEventListener("loadedmetadata", dubkitReport);
          a.addEventListener("error", dubkitReport);
        });
        </script>
        </body></html>
        """
    }
}
