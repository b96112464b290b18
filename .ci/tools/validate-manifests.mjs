// Validates Kubernetes objects against the API schemas, offline.
// Input on stdin: a JSON array of objects (a rendered chart). Prints one line per object; exits 1
// if any object is invalid or of a kind no schema is known for.
//
//   node .ci/tools/validate-manifests.mjs < manifests.json
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(0, "utf8"));

function modulePath(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  if (apiVersion.startsWith("gateway.networking.k8s.io/")) {
    return `@kubernetes-models/gateway-api/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

let failed = 0;
for (const object of objects) {
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  let model;
  try {
    model = (await import(modulePath(object.apiVersion, object.kind)))[object.kind];
  } catch (error) {
    console.log(`UNKNOWN ${name}: no schema (${error.code ?? error.message})`);
    failed++;
    continue;
  }
  try {
    new model(object).validate();
    console.log(`valid   ${name}`);
  } catch (error) {
    console.log(`INVALID ${name}: ${error.message}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
