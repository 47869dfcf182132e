// Turn a rendered chart into files a process can use, the way the kubelet
// would for the daybook containers:
//
//   node extract.mjs RENDERED.yaml OUTDIR
//
// writes OUTDIR/env (KEY=VALUE lines: the ConfigMap RELEASE-daybook-env),
// OUTDIR/job-env (the migration Job's inline env), OUTDIR/daybook.conf (the
// Kore config of the ConfigMap RELEASE-daybook-config), OUTDIR/secrets/*
// (the projected "secrets" volume of the Deployment, resolved against the
// rendered Secrets; mode 0400), OUTDIR/migrate.cmd and OUTDIR/admin.sh (the
// commands of the migration and admin Jobs, one argument per line / script).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const [rendered, out] = process.argv.slice(2);
if (!rendered || !out) {
	console.error("usage: node extract.mjs RENDERED.yaml OUTDIR");
	process.exit(2);
}
const docs = parseAllDocuments(readFileSync(rendered, "utf8"))
	.map((d) => d.toJS()).filter((d) => d !== null);
const get = (kind, suffix) => {
	const found = docs.filter((d) => d.kind === kind && d.metadata.name.endsWith(suffix));
	if (found.length !== 1)
		throw new Error(`expected one ${kind} *${suffix}, found ${found.length}`);
	return found[0];
};
const envLines = (pairs) => pairs.map(([k, v]) => {
	if (/[\n\0]/.test(v))
		throw new Error(`${k}: value with a newline`);
	return `${k}=${v}\n`;
}).join("");

mkdirSync(path.join(out, "secrets"), { recursive: true });
writeFileSync(path.join(out, "env"),
	envLines(Object.entries(get("ConfigMap", "-env").data)));
writeFileSync(path.join(out, "daybook.conf"),
	get("ConfigMap", "-config").data["daybook.conf"]);

const deployment = docs.find((d) => d.kind === "Deployment" &&
	d.metadata.labels["app.kubernetes.io/component"] === "app");
const volume = deployment.spec.template.spec.volumes.find((v) => v.name === "secrets");
for (const source of volume.projected.sources) {
	const secret = docs.find((d) => d.kind === "Secret" && d.metadata.name === source.secret.name);
	if (!secret)
		throw new Error(`Secret ${source.secret.name} is not rendered by the chart`);
	for (const item of source.secret.items) {
		const b64 = secret.data[item.key];
		if (b64 === undefined)
			throw new Error(`Secret ${source.secret.name} has no key ${item.key}`);
		writeFileSync(path.join(out, "secrets", item.path), Buffer.from(b64, "base64"), { mode: 0o400 });
	}
}

const job = (suffix) => get("Job", suffix).spec.template.spec.containers[0];
const migrate = job("-migrate");
writeFileSync(path.join(out, "job-env"),
	envLines(migrate.env.map((e) => [e.name, String(e.value)])));
writeFileSync(path.join(out, "migrate.cmd"), migrate.command.join("\n") + "\n");
const admin = job("-admin");
if (admin.command[0] !== "sh" || admin.command[1] !== "-c")
	throw new Error("admin Job is not a sh -c script");
writeFileSync(path.join(out, "admin.sh"), admin.command[2]);
writeFileSync(path.join(out, "admin-email"),
	admin.env.find((e) => e.name === "DAYBOOK_ADMIN_EMAIL").value);
