// Build the front end: compile static/src/app.scss to static/css/app.css with the
// npm `sass` package, and copy the GOV.UK and MOJ Frontend scripts and assets.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = (...parts) => join(root, "static", ...parts);

mkdirSync(out("css"), { recursive: true });
mkdirSync(out("js"), { recursive: true });

const result = sass.compile(join(root, "static", "src", "app.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(out("css", "app.css"), result.css);

const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");
cpSync(join(govuk, "govuk-frontend.min.js"), out("js", "govuk-frontend.min.js"));
cpSync(join(moj, "moj-frontend.min.js"), out("js", "moj-frontend.min.js"));
cpSync(join(root, "static", "src", "app.mjs"), out("js", "app.mjs"));
// Print styles for PDF reports, used by WeasyPrint only.
cpSync(join(root, "static", "src", "report.css"), out("css", "report.css"));
// MOJ Frontend's images (filter and sort icons). GOV.UK's crown images are not copied.
cpSync(join(moj, "assets"), out("assets"), { recursive: true });

console.log(`built static/css/app.css (${result.css.length} bytes) and static/js`);
