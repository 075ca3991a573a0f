// Sends one GraphQL operation whose variables hold a file, as the GraphQL multipart request spec
// says (https://github.com/jaydenseric/graphql-multipart-request-spec) and as the upload clients
// send it: extract-files (the extraction apollo-upload-client uses) replaces each file with null
// and gives its object paths, form-data builds the multipart body (operations, map, then one part
// per file), and the answer is printed as one line of JSON.
//
// Usage: node client.mjs <graphql url> <bearer token> <query> <variables JSON> <file path>
//        (variables.input.file is set to the file)
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import extractFiles from "extract-files/extractFiles.mjs";
import FormData from "form-data";

class Upload {
  constructor(path) {
    this.buffer = readFileSync(path);
    this.filename = basename(path);
  }
}

const [url, token, query, varsJSON, filePath] = process.argv.slice(2);
const variables = JSON.parse(varsJSON);
variables.input.file = new Upload(filePath);

const { clone, files } = extractFiles({ query, variables }, (v) => v instanceof Upload);
const form = new FormData();
form.append("operations", JSON.stringify(clone));
const map = {};
let i = 0;
for (const paths of files.values()) map[String(i++)] = paths;
form.append("map", JSON.stringify(map));
i = 0;
for (const file of files.keys()) {
  form.append(String(i++), file.buffer, {
    filename: file.filename,
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  });
}

const target = new URL(url);
form.submit(
  {
    protocol: target.protocol,
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    headers: { Authorization: `Bearer ${token}` },
  },
  (err, res) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => (body += chunk));
    res.on("end", () => {
      console.log(JSON.stringify({ status: res.statusCode, body: JSON.parse(body) }));
    });
  },
);
