// Drives FuncTasks' Jobs API with Flatfile's published npm client (@flatfile/api), unchanged.
// FUNCTASKS_URL: the host's base URL (the client adds /v1); FUNCTASKS_TOKEN: an operator key.
// Every response is checked strictly against the client's own schemas (the client itself parses with
// skipValidation), then all results are printed as one JSON object for the C# test to assert on.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { FlatfileError } = require("@flatfile/api");
const { FlatfileClient } = require("@flatfile/api/Client");
const core = require("@flatfile/api/core");
const serializers = require("@flatfile/api/serialization");

const apiUrl = process.env.FUNCTASKS_URL;
const token = process.env.FUNCTASKS_TOKEN;
if (!apiUrl || !token) {
  console.error("Set FUNCTASKS_URL and FUNCTASKS_TOKEN.");
  process.exit(2);
}

// @flatfile/api 1.23.1 sends "Keep-Alive: timeout=200" on every request, which Node's built-in fetch (undici, Node >= 18)
// refuses before anything is sent: every call fails with FlatfileError "fetch failed" and no status code. The generated
// client takes a `fetcher` option, so one wrapper drops that header from every call (undefined headers are not sent).
// (The package's default export wraps this client and does not pass the option on.)
const withoutKeepAlive = (args) => core.fetcher({ ...args, headers: { ...args.headers, "Keep-Alive": undefined } });
const client = new FlatfileClient({ environment: `${apiUrl.replace(/\/$/, "")}/v1`, token, fetcher: withoutKeepAlive });
const results = {};

function strict(schema, value, name) {
  const checked = serializers[schema].json(value, {
    unrecognizedObjectKeys: "passthrough",
    allowUnrecognizedEnumValues: false,
    allowUnrecognizedUnionMembers: false,
    breadcrumbsPrefix: [name],
  });
  if (!checked.ok) {
    throw new Error(`${name}: the response does not match @flatfile/api ${schema}: ${JSON.stringify(checked.errors)}`);
  }
  for (const date of ["createdAt", "updatedAt", "startedAt", "finishedAt", "outcomeAcknowledgedAt"]) {
    const job = value?.data?.job ?? value?.data;
    if (job && job[date] !== undefined && Number.isNaN(job[date].getTime())) {
      throw new Error(`${name}: ${date} is not a valid date`);
    }
  }
  return value;
}

async function call(name, schema, request) {
  results[name] = strict(schema, await request(), name);
  return results[name];
}

async function refused(name, request) {
  try {
    await request();
    throw new Error(`${name}: expected an error response`);
  } catch (error) {
    if (!(error instanceof FlatfileError)) {
      throw error;
    }
    results[name] = { statusCode: error.statusCode, body: error.body };
  }
}

const created = await call("created", "JobResponse", () => client.jobs.create({
  type: "workbook",
  operation: "submitAction",
  source: "us_wb_client",
  trigger: "immediate",
  mode: "foreground",
  config: { sheet: "contacts" },
  input: { rows: 3 },
  metadata: { by: "flatfile-client" },
}));
const id = created.data.id;
await call("got", "JobResponse", () => client.jobs.get(id));
await call("acked", "JobResponse", () => client.jobs.ack(id, { info: "working", progress: 30, estimatedCompletionAt: new Date("2030-01-01T00:00:00Z") }));
await call("failed", "JobResponse", () => client.jobs.fail(id, { outcome: { heading: "Failed", message: "row 7 is bad", acknowledge: true }, info: "stopped" }));
await call("retried", "JobResponse", () => client.jobs.retry(id));
await call("reacked", "JobResponse", () => client.jobs.ack(id, { progress: 60 }));
await call("completed", "JobResponse", () => client.jobs.complete(id, { outcome: { heading: "Success", message: "3 rows submitted" }, info: "done" }));
await call("outcomeAcked", "JobResponse", () => client.jobs.ackOutcome(id));
await refused("retryOfComplete", () => client.jobs.retry(id));
await refused("notFound", () => client.jobs.get("6f1c2b9e-0000-8000-8000-000000000000"));

const manual = await call("manual", "JobResponse", () => client.jobs.create({ type: "file", operation: "extract", source: "us_fl_client", trigger: "manual" }));
await call("executed", "Success", () => client.jobs.execute(manual.data.id));
await call("afterExecute", "JobResponse", () => client.jobs.get(manual.data.id));
await call("plan", "JobPlanResponse", () => client.jobs.getExecutionPlan(manual.data.id));
await call("split", "JobResponse", () => client.jobs.split(manual.data.id, { parts: 2, runInParallel: true }));
await call("parts", "ListJobsResponse", () => client.jobs.list({ parentId: manual.data.id, pageSize: 10, sortDirection: "asc" }));
await call("topLevel", "ListJobsResponse", () => client.jobs.list({ excludeChildJobs: true, source: "us_wb_client" }));

const doomed = await call("doomed", "JobResponse", () => client.jobs.create({ type: "sheet", operation: "cleanup", source: "us_sh_client", trigger: "immediate" }));
await call("canceled", "JobResponse", () => client.jobs.cancel(doomed.data.id, { info: "no longer needed" }));
await call("deleted", "Success", () => client.jobs.delete(doomed.data.id));
await refused("deletedGet", () => client.jobs.get(doomed.data.id));

// The symptom the wrapper fixes, as a user meets it: the package's default client, unchanged, on the same host.
const { FlatfileClient: DefaultClient } = require("@flatfile/api");
try {
  await new DefaultClient({ apiUrl, token }).jobs.get(id, { maxRetries: 0 });
  results.withoutFix = { ok: true };
} catch (error) {
  results.withoutFix = { type: error.constructor.name, message: error.message, statusCode: error.statusCode ?? null };
}

console.log(JSON.stringify(results));
