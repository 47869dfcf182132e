// Tests of the daybook Helm chart: lint, render with the default values and
// the variations in values/, validate every rendered document against the
// Kubernetes schemas (kubernetes-models), assert what matters, and check
// that wrong values are refused with a clear message.
//
// Run: make helm-test   (or: cd tests/helm && node --test)
// Needs tools/helm (scripts/install-helm.sh) and `npm ci` here; no network.

import { test, describe, after } from "node:test";
import strictAssert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, parseDocument, isMap } from "yaml";

import { ConfigMap, Secret, Service, Pod, PersistentVolumeClaim }
	from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job, CronJob } from "kubernetes-models/batch/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const chart = process.env.DAYBOOK_CHART || path.join(root, "helm/daybook");
const helmBin = process.env.HELM || path.join(root, "tools/helm");
const valuesDir = path.join(here, "values");
const RELEASE = "dbk";

const MODELS = {
	"v1/ConfigMap": ConfigMap,
	"v1/Secret": Secret,
	"v1/Service": Service,
	"v1/Pod": Pod,
	"v1/PersistentVolumeClaim": PersistentVolumeClaim,
	"apps/v1/Deployment": Deployment,
	"apps/v1/StatefulSet": StatefulSet,
	"batch/v1/Job": Job,
	"batch/v1/CronJob": CronJob,
	"networking.k8s.io/v1/Ingress": Ingress,
	"autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
	"policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

// Fields a container may have (core/v1 Container); catches misspelt keys,
// which the kubernetes-models validators let through.
const CONTAINER_KEYS = new Set(["name", "image", "imagePullPolicy", "command",
	"args", "workingDir", "ports", "env", "envFrom", "resources",
	"volumeMounts", "livenessProbe", "readinessProbe", "startupProbe",
	"securityContext", "lifecycle", "terminationMessagePath",
	"terminationMessagePolicy", "stdin", "stdinOnce", "tty",
	"volumeDevices", "restartPolicy", "resizePolicy"]);

// Every DAYBOOK_* setting of README.md's Configuration table that the
// chart always passes (the passwords only as *_FILE; DAYBOOK_DB_SOCKET is
// not used in a cluster; the mail settings only with smtp.*).
const ENV_NAMES = ["DAYBOOK_DB_HOST", "DAYBOOK_DB_PORT", "DAYBOOK_DB_USER",
	"DAYBOOK_DB_PASSWORD_FILE", "DAYBOOK_DB_NAME", "DAYBOOK_DB_POOL_SIZE",
	"DAYBOOK_DB_QUEUE_MAX", "DAYBOOK_DB_TIMEOUT_MS", "DAYBOOK_REDIS_HOST",
	"DAYBOOK_REDIS_PORT", "DAYBOOK_REDIS_PASSWORD_FILE", "DAYBOOK_REDIS_DB",
	"DAYBOOK_REDIS_TIMEOUT_MS", "DAYBOOK_SECRET_FILE",
	"DAYBOOK_TEMPLATE_DIR", "DAYBOOK_ASSET_DIR", "DAYBOOK_SQL_DIR",
	"DAYBOOK_HTTPS", "DAYBOOK_SESSION_IDLE_MINUTES",
	"DAYBOOK_SESSION_MAX_HOURS", "DAYBOOK_SIGNUP", "DAYBOOK_BASE_URL",
	"DAYBOOK_REPORT_TZ", "DAYBOOK_TRUSTED_PROXIES"];

// assert, counting the checks made (reported at the end).
let assertionsChecked = 0;
const assert = new Proxy(strictAssert, {
	get(target, prop) {
		const f = target[prop];
		if (typeof f !== "function")
			return f;
		return (...args) => {
			assertionsChecked++;
			return f.apply(target, args);
		};
	},
});

let documentsValidated = 0;
after(() => {
	console.log(`documents validated against the Kubernetes schemas: ${documentsValidated}`);
	console.log(`assertions checked: ${assertionsChecked}`);
});

function helm(args) {
	const r = spawnSync(helmBin, args, { encoding: "utf8", cwd: root });
	if (r.error)
		throw r.error;
	return r;
}

function valuesArgs(files = [], sets = []) {
	const args = [];
	for (const f of files)
		args.push("-f", path.join(valuesDir, f));
	for (const s of sets)
		args.push("--set", s);
	return args;
}

// Render the chart; returns the parsed documents (hooks and tests included).
function render(files = [], sets = []) {
	const r = helm(["template", RELEASE, chart, "--namespace", "journal",
		...valuesArgs(files, sets)]);
	assert.equal(r.status, 0, `helm template failed: ${r.stderr}`);
	const docs = parseAllDocuments(r.stdout)
		.map((d) => {
			assert.equal(d.errors.length, 0, String(d.errors));
			return d.toJS();
		})
		.filter((d) => d !== null);
	assert.ok(docs.length > 0, "no documents rendered");
	return docs;
}

// Render expecting a refusal; returns helm's error output.
function refuse(files = [], sets = []) {
	const r = helm(["template", RELEASE, chart, ...valuesArgs(files, sets)]);
	assert.notEqual(r.status, 0, `values were accepted: ${[...files, ...sets].join(" ")}`);
	return r.stderr;
}

const find = (docs, kind, name) => docs.filter((d) => d.kind === kind &&
	(name === undefined || d.metadata.name === name));
const one = (docs, kind, name) => {
	const found = find(docs, kind, name);
	assert.equal(found.length, 1, `expected one ${kind} ${name ?? ""}, got ${found.length}`);
	return found[0];
};

function podSpecOf(doc) {
	switch (doc.kind) {
	case "Pod": return doc.spec;
	case "CronJob": return doc.spec.jobTemplate.spec.template.spec;
	case "Deployment": case "StatefulSet": case "Job":
		return doc.spec.template.spec;
	default: return null;
	}
}

function podMetaOf(doc) {
	switch (doc.kind) {
	case "Pod": return doc.metadata;
	case "CronJob": return doc.spec.jobTemplate.spec.template.metadata;
	default: return doc.spec.template.metadata;
	}
}

function hookOf(doc) {
	const a = doc.metadata.annotations ?? {};
	return {
		phases: (a["helm.sh/hook"] ?? "").split(",").filter(Boolean),
		weight: Number(a["helm.sh/hook-weight"] ?? 0),
	};
}

function validateAll(docs) {
	for (const doc of docs) {
		const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
		assert.ok(Model, `no schema for ${doc.apiVersion} ${doc.kind}`);
		assert.doesNotThrow(() => new Model(doc).validate(),
			`${doc.kind} ${doc.metadata?.name} does not validate`);
		documentsValidated++;
	}
}

// Assertions that hold for every rendering.
function checkCommon(docs) {
	const secretValues = [];
	for (const s of find(docs, "Secret"))
		for (const v of Object.values(s.data ?? {}))
			secretValues.push(Buffer.from(v, "base64").toString());
	for (const doc of docs) {
		const what = `${doc.kind} ${doc.metadata.name}`;
		assert.equal(doc.metadata.namespace, undefined, `${what}: hard-coded namespace`);
		const labels = doc.metadata.labels ?? {};
		for (const l of ["app.kubernetes.io/name", "app.kubernetes.io/instance",
			"app.kubernetes.io/version", "app.kubernetes.io/managed-by",
			"helm.sh/chart"])
			assert.ok(labels[l], `${what}: label ${l} missing`);
		const selector = doc.spec?.selector?.matchLabels ?? (doc.kind === "Service" ? doc.spec.selector : null);
		if (selector)
			assert.deepEqual(Object.keys(selector).sort(),
				["app.kubernetes.io/component", "app.kubernetes.io/instance",
					"app.kubernetes.io/name"], `${what}: selector`);
		if (doc.kind === "ConfigMap") {
			const text = JSON.stringify(doc.data ?? {});
			for (const v of secretValues)
				assert.ok(!text.includes(v), `${what} contains a secret value`);
			assert.ok(!/MARKER/.test(text), `${what} contains a marked secret`);
			assert.ok(!("DAYBOOK_DB_PASSWORD" in (doc.data ?? {})) &&
				!("DAYBOOK_REDIS_PASSWORD" in (doc.data ?? {})), `${what}: plain password variable`);
		}
		const spec = podSpecOf(doc);
		if (!spec)
			continue;
		assert.equal(spec.securityContext?.runAsNonRoot, true, `${what}: runAsNonRoot`);
		assert.equal(spec.securityContext?.seccompProfile?.type, "RuntimeDefault", `${what}: seccomp`);
		assert.equal(spec.automountServiceAccountToken, false, `${what}: service account token mounted`);
		for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
			const cw = `${what}/${c.name}`;
			for (const k of Object.keys(c))
				assert.ok(CONTAINER_KEYS.has(k), `${cw}: unknown container field ${k}`);
			assert.match(c.image, /^[^:]+(:\d+)?[^:]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/, `${cw}: image without a tag`);
			assert.ok(!c.image.endsWith(":latest"), `${cw}: latest tag`);
			assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${cw}: requests`);
			assert.ok(c.resources?.limits?.cpu && c.resources?.limits?.memory, `${cw}: limits`);
			const sc = c.securityContext ?? {};
			assert.equal(sc.allowPrivilegeEscalation, false, `${cw}: privilege escalation`);
			assert.equal(sc.readOnlyRootFilesystem, true, `${cw}: read-only root`);
			assert.deepEqual(sc.capabilities?.drop, ["ALL"], `${cw}: capabilities`);
		}
	}
}

function appDeployment(docs) {
	return one(docs, "Deployment", `${RELEASE}-daybook`);
}

function appEnv(docs) {
	return one(docs, "ConfigMap", `${RELEASE}-daybook-env`).data;
}

// Secret name and key behind a file of the daybook pods' projected volume.
function secretFile(docs, file) {
	const vol = podSpecOf(appDeployment(docs)).volumes.find((v) => v.name === "secrets");
	for (const src of vol.projected.sources)
		for (const item of src.secret.items)
			if (item.path === file)
				return { name: src.secret.name, key: item.key };
	return null;
}

function checkApp(docs) {
	const dep = appDeployment(docs);
	const spec = podSpecOf(dep);
	const c = spec.containers.find((x) => x.name === "daybook");
	assert.deepEqual(c.command, ["kore", "-f", "-n", "-r", "-c", "/etc/daybook/daybook.conf"]);
	assert.equal(c.ports[0].containerPort, 8080);
	assert.equal(c.readinessProbe.httpGet.path, "/healthcheck");
	assert.equal(c.livenessProbe.httpGet.path, "/livez");
	assert.equal(c.startupProbe.httpGet.path, "/healthcheck");
	for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe])
		assert.equal(p.httpGet.port, "http");
	const ann = podMetaOf(dep).annotations;
	assert.match(ann["checksum/config"], /^[0-9a-f]{64}$/);
	assert.match(ann["checksum/secret"], /^[0-9a-f]{64}$/);
	assert.deepEqual(c.envFrom, [{ configMapRef: { name: `${RELEASE}-daybook-env` } }]);
	assert.ok(c.volumeMounts.some((m) => m.mountPath === "/tmp"), "no /tmp mount");
	assert.ok(spec.volumes.some((v) => v.name === "tmp" && v.emptyDir), "/tmp is not an emptyDir");
	const env = appEnv(docs);
	for (const n of ENV_NAMES.filter((x) => x !== "DAYBOOK_REDIS_PASSWORD_FILE"))
		assert.ok(n in env, `env ${n} missing`);
	for (const [k, v] of Object.entries(env))
		assert.equal(typeof v, "string", `env ${k} is not a string`);
	assert.equal(env.DAYBOOK_SECRET_FILE, "/etc/daybook/secrets/app-secret");
	assert.equal(env.DAYBOOK_DB_PASSWORD_FILE, "/etc/daybook/secrets/db-password");
	assert.ok(secretFile(docs, "db-password"), "no db-password file");
	assert.ok(secretFile(docs, "app-secret"), "no app-secret file");
	if (env.DAYBOOK_REDIS_PASSWORD_FILE)
		assert.ok(secretFile(docs, "redis-password"), "no redis-password file");
	const conf = one(docs, "ConfigMap", `${RELEASE}-daybook-config`).data["daybook.conf"];
	for (const line of [/^\s*bind 0\.0\.0\.0 8080$/m, /^\s*tls no$/m,
		/^load \/usr\/lib\/daybook\/daybook\.so dbk_init$/m, /^workers \d+$/m,
		/^http_hsts_enable 0$/m, /^pidfile \/tmp\//m,
		/^domain \* \{\n\tattach default\n\tinclude \/usr\/share\/daybook\/conf\/routes\.conf\n\}$/m])
		assert.match(conf, line);
	const svc = one(docs, "Service", `${RELEASE}-daybook`);
	assert.equal(svc.spec.ports[0].targetPort, "http");
}

function checkHooks(docs) {
	const migrate = one(docs, "Job", `${RELEASE}-daybook-migrate`);
	const m = hookOf(migrate);
	assert.deepEqual(m.phases.sort(), ["post-install", "pre-upgrade"]);
	assert.deepEqual(podSpecOf(migrate).containers[0].command, ["daybook-admin", "migrate"]);
	assert.ok(podSpecOf(migrate).initContainers.some((c) => c.name === "wait-for-database"));
	for (const job of find(docs, "Job").filter((j) => j !== migrate)) {
		const h = hookOf(job);
		assert.ok(h.phases.includes("post-install"), `${job.metadata.name}: not post-install`);
		assert.ok(!h.phases.some((p) => p.startsWith("pre-")), `${job.metadata.name}: pre hook before the migration`);
		assert.ok(h.weight > m.weight, `${job.metadata.name}: weight ${h.weight} not after migrate ${m.weight}`);
	}
	const seed = find(docs, "Job", `${RELEASE}-daybook-seed`)[0];
	const admin = find(docs, "Job", `${RELEASE}-daybook-admin`)[0];
	if (seed && admin)
		assert.ok(hookOf(seed).weight < hookOf(admin).weight, "seed after admin");
	// What the hooks need exists before post-install: not hooks themselves.
	for (const d of docs.filter((x) => ["StatefulSet", "Secret", "ConfigMap", "Service"].includes(x.kind)))
		assert.deepEqual(hookOf(d).phases, [], `${d.kind} ${d.metadata.name} is a hook`);
	if (admin) {
		const script = podSpecOf(admin).containers[0].command.join(" ");
		assert.match(script, /daybook-admin create-user "\$DAYBOOK_ADMIN_EMAIL" --admin/);
		assert.match(script, /< \/etc\/daybook\/secrets\/admin-password/);
		assert.match(script, /\*"already exists"\*\)/);
	}
	const t = one(docs, "Pod", `${RELEASE}-daybook-test-healthcheck`);
	assert.deepEqual(hookOf(t).phases, ["test"]);
	const probe = t.spec.containers[0].command.join(" ");
	assert.match(probe, /url="http:\/\/dbk-daybook:80\/healthcheck"/);
	assert.match(probe, /curl -fsS [^\n]*"\$url"/);
}

function checkReport(docs) {
	const cj = one(docs, "CronJob", `${RELEASE}-daybook-report`);
	assert.equal(cj.spec.concurrencyPolicy, "Forbid");
	assert.equal(cj.spec.schedule, "15 0 * * *");
	assert.equal(cj.spec.timeZone, "UTC");
	assert.ok(cj.spec.startingDeadlineSeconds > 0);
	assert.ok(cj.spec.successfulJobsHistoryLimit >= 0 && cj.spec.failedJobsHistoryLimit >= 0);
	assert.ok(cj.spec.jobTemplate.spec.backoffLimit >= 0);
	assert.ok(cj.spec.jobTemplate.spec.activeDeadlineSeconds > 0);
	assert.deepEqual(podSpecOf(cj).containers[0].command, ["daybook-admin", "report"]);
}

function checksums(docs) {
	const a = podMetaOf(appDeployment(docs)).annotations;
	return { config: a["checksum/config"], secret: a["checksum/secret"] };
}

describe("helm lint --strict", () => {
	for (const files of [[], ["external.yaml"], ["ingress-tls.yaml"],
		["autoscale.yaml"], ["no-persistence.yaml"], ["existing-secrets.yaml"],
		["given-secrets.yaml"], ["external-passwords.yaml"]]) {
		test(`lint ${files.join(",") || "defaults"}`, () => {
			const r = helm(["lint", "--strict", chart, ...valuesArgs(files)]);
			assert.equal(r.status, 0, r.stdout + r.stderr);
			assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
		});
	}
});

describe("default values", () => {
	const docs = render();
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("daybook Deployment, Service, config", () => checkApp(docs));
	test("hooks in order", () => checkHooks(docs));
	test("report CronJob", () => checkReport(docs));
	test("MariaDB StatefulSet with a PVC, Service, Secret, ConfigMap, probes", () => {
		const sts = one(docs, "StatefulSet", `${RELEASE}-daybook-mariadb`);
		assert.equal(sts.spec.serviceName, `${RELEASE}-daybook-mariadb-headless`);
		const vct = sts.spec.volumeClaimTemplates;
		assert.equal(vct.length, 1);
		assert.equal(vct[0].metadata.name, "data");
		assert.equal(vct[0].spec.resources.requests.storage, "8Gi");
		const c = podSpecOf(sts).containers[0];
		assert.equal(c.image, "mariadb:10.11.6");
		assert.ok(c.readinessProbe && c.livenessProbe && c.startupProbe);
		assert.ok(c.volumeMounts.some((m) => m.name === "data" && m.mountPath === "/var/lib/mysql"));
		const sec = one(docs, "Secret", `${RELEASE}-daybook-mariadb`);
		assert.deepEqual(Object.keys(sec.data).sort(), ["mariadb-password", "mariadb-root-password"]);
		for (const v of Object.values(sec.data))
			assert.ok(Buffer.from(v, "base64").length >= 32, "generated password too short");
		assert.match(one(docs, "ConfigMap", `${RELEASE}-daybook-mariadb`).data["daybook.cnf"], /max_connections = 200/);
		one(docs, "Service", `${RELEASE}-daybook-mariadb`);
		assert.deepEqual(secretFile(docs, "db-password"), { name: `${RELEASE}-daybook-mariadb`, key: "mariadb-password" });
		assert.equal(appEnv(docs).DAYBOOK_DB_HOST, `${RELEASE}-daybook-mariadb`);
	});
	test("Redis Deployment with a kept PVC and a password", () => {
		const pvc = one(docs, "PersistentVolumeClaim", `${RELEASE}-daybook-redis`);
		assert.equal(pvc.metadata.annotations["helm.sh/resource-policy"], "keep");
		const dep = one(docs, "Deployment", `${RELEASE}-daybook-redis`);
		const spec = podSpecOf(dep);
		assert.equal(spec.volumes[0].persistentVolumeClaim.claimName, pvc.metadata.name);
		assert.equal(spec.containers[0].image, "redis:7.2.4");
		assert.match(spec.containers[0].command.join("\n"), /requirepass "\$pw"/);
		assert.ok(!spec.containers[0].command.join(" ").includes("--requirepass"), "password on the command line");
		const sec = one(docs, "Secret", `${RELEASE}-daybook-redis`);
		assert.ok(Buffer.from(sec.data["redis-password"], "base64").length >= 32);
		assert.equal(appEnv(docs).DAYBOOK_REDIS_PASSWORD_FILE, "/etc/daybook/secrets/redis-password");
	});
	test("app Secret generated, no HPA, no PDB, no Ingress with one replica", () => {
		const sec = one(docs, "Secret", `${RELEASE}-daybook`);
		assert.ok(Buffer.from(sec.data["app-secret"], "base64").length >= 32);
		assert.ok(Buffer.from(sec.data["admin-password"], "base64").length >= 16);
		assert.equal(find(docs, "HorizontalPodAutoscaler").length, 0);
		assert.equal(find(docs, "PodDisruptionBudget").length, 0);
		assert.equal(find(docs, "Ingress").length, 0);
		assert.equal(appDeployment(docs).spec.replicas, 1);
		assert.equal(podSpecOf(appDeployment(docs)).containers[0].image, "localhost/daybook:0.1.0");
	});
});

describe("external MariaDB and Redis (existingSecret)", () => {
	const docs = render(["external.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("daybook", () => checkApp(docs));
	test("hooks in order", () => checkHooks(docs));
	test("no MariaDB or Redis of the chart; env and secrets point outside", () => {
		assert.equal(find(docs, "StatefulSet").length, 0);
		assert.equal(find(docs, "Deployment").length, 1);
		assert.equal(find(docs, "PersistentVolumeClaim").length, 0);
		const env = appEnv(docs);
		assert.equal(env.DAYBOOK_DB_HOST, "mariadb.db.svc.cluster.local");
		assert.equal(env.DAYBOOK_DB_PORT, "3307");
		assert.equal(env.DAYBOOK_DB_USER, "dbk_app");
		assert.equal(env.DAYBOOK_DB_NAME, "dbk_prod");
		assert.equal(env.DAYBOOK_REDIS_HOST, "redis.cache.svc.cluster.local");
		assert.equal(env.DAYBOOK_REDIS_PORT, "6380");
		assert.deepEqual(secretFile(docs, "db-password"), { name: "managed-db", key: "password" });
		assert.deepEqual(secretFile(docs, "redis-password"), { name: "managed-redis", key: "password" });
		assert.deepEqual(find(docs, "Secret").map((s) => s.metadata.name), [`${RELEASE}-daybook`]);
		const migrateEnv = Object.fromEntries(podSpecOf(one(docs, "Job", `${RELEASE}-daybook-migrate`))
			.containers[0].env.map((e) => [e.name, e.value]));
		assert.equal(migrateEnv.DAYBOOK_DB_HOST, "mariadb.db.svc.cluster.local");
	});
});

describe("external MariaDB and Redis (passwords as values)", () => {
	const docs = render(["external-passwords.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules (markers only in Secrets)", () => checkCommon(docs));
	test("the chart's external Secret carries both passwords", () => {
		const s = one(docs, "Secret", `${RELEASE}-daybook-external`);
		assert.equal(Buffer.from(s.data["db-password"], "base64").toString(), "extdbpw-MARKER-1");
		assert.equal(Buffer.from(s.data["redis-password"], "base64").toString(), "extredispw-MARKER-2");
		assert.deepEqual(secretFile(docs, "db-password"), { name: `${RELEASE}-daybook-external`, key: "db-password" });
	});
});

describe("Ingress with TLS", () => {
	const docs = render(["ingress-tls.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("Ingress class, host, TLS and https base URL", () => {
		const ing = one(docs, "Ingress");
		assert.equal(ing.spec.ingressClassName, "nginx");
		assert.deepEqual(ing.spec.tls, [{ secretName: "journal-tls", hosts: ["journal.example.org"] }]);
		assert.equal(ing.spec.rules[0].host, "journal.example.org");
		assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, `${RELEASE}-daybook`);
		assert.equal(ing.spec.rules[0].http.paths[0].backend.service.port.name, "http");
		assert.equal(appEnv(docs).DAYBOOK_BASE_URL, "https://journal.example.org");
		assert.equal(appEnv(docs).DAYBOOK_HTTPS, "1");
	});
});

describe("autoscaler with 3 replicas", () => {
	const docs = render(["autoscale.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("HPA drives the Deployment; PDB present", () => {
		const hpa = one(docs, "HorizontalPodAutoscaler");
		assert.equal(hpa.spec.minReplicas, 3);
		assert.equal(hpa.spec.maxReplicas, 8);
		assert.equal(hpa.spec.scaleTargetRef.name, `${RELEASE}-daybook`);
		assert.equal(hpa.spec.metrics.length, 2);
		assert.equal(appDeployment(docs).spec.replicas, undefined, "replicas set beside the HPA");
		const pdb = one(docs, "PodDisruptionBudget");
		assert.equal(pdb.spec.minAvailable, 2);
		assert.equal(pdb.spec.selector.matchLabels["app.kubernetes.io/component"], "app");
	});
});

describe("persistence off", () => {
	const docs = render(["no-persistence.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("no PVC anywhere, emptyDir data", () => {
		assert.equal(find(docs, "PersistentVolumeClaim").length, 0);
		const sts = one(docs, "StatefulSet");
		assert.equal(sts.spec.volumeClaimTemplates, undefined);
		assert.ok(podSpecOf(sts).volumes.some((v) => v.name === "data" && v.emptyDir));
		const redis = one(docs, "Deployment", `${RELEASE}-daybook-redis`);
		assert.ok(podSpecOf(redis).volumes.some((v) => v.name === "data" && v.emptyDir));
		assert.match(podSpecOf(redis).containers[0].command.join("\n"), /appendonly no/);
	});
});

describe("existing secrets", () => {
	const docs = render(["existing-secrets.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules", () => checkCommon(docs));
	test("the chart creates no Secret and mounts the given ones", () => {
		assert.equal(find(docs, "Secret").length, 0);
		assert.deepEqual(secretFile(docs, "db-password"), { name: "daybook-mariadb-creds", key: "mariadb-password" });
		assert.deepEqual(secretFile(docs, "redis-password"), { name: "daybook-redis-creds", key: "pass" });
		assert.deepEqual(secretFile(docs, "app-secret"), { name: "daybook-app", key: "app-secret" });
		assert.deepEqual(secretFile(docs, "admin-password"), { name: "daybook-app", key: "admin-password" });
		const env = podSpecOf(one(docs, "StatefulSet")).containers[0].env;
		assert.ok(env.every((e) => !e.valueFrom || e.valueFrom.secretKeyRef.name === "daybook-mariadb-creds"));
	});
});

describe("given secrets, seed data, 3 replicas", () => {
	const docs = render(["given-secrets.yaml"]);
	test("every document validates", () => validateAll(docs));
	test("common rules (markers only in Secrets)", () => checkCommon(docs));
	test("hooks in order (migrate, seed, admin)", () => checkHooks(docs));
	test("given values used; seed Job and ConfigMap; PDB", () => {
		const app = one(docs, "Secret", `${RELEASE}-daybook`);
		assert.equal(Buffer.from(app.data["admin-password"], "base64").toString(), "adminpw-MARKER-42");
		const seed = one(docs, "Job", `${RELEASE}-daybook-seed`);
		assert.deepEqual(hookOf(seed).phases, ["post-install", "post-upgrade"]);
		assert.deepEqual(podSpecOf(seed).containers[0].command, ["daybook-admin", "seed", "/seed/seed.sql"]);
		assert.match(one(docs, "ConfigMap", `${RELEASE}-daybook-seed`).data["seed.sql"], /INSERT IGNORE/);
		assert.equal(appDeployment(docs).spec.replicas, 3);
		assert.equal(one(docs, "PodDisruptionBudget").spec.minAvailable, 1);
		const admin = one(docs, "Job", `${RELEASE}-daybook-admin`);
		assert.ok(podSpecOf(admin).containers[0].env.some((e) => e.name === "DAYBOOK_ADMIN_EMAIL" && e.value === "root@example.net"));
	});
	test("checksums: stable for the same values, follow config and secrets", () => {
		const base = checksums(docs);
		assert.deepEqual(checksums(render(["given-secrets.yaml"])), base);
		const pw = checksums(render(["given-secrets.yaml"], ["admin.password=other-MARKER"]));
		assert.equal(pw.config, base.config);
		assert.notEqual(pw.secret, base.secret);
		const db = checksums(render(["given-secrets.yaml"], ["mariadb.auth.password=other-MARKER"]));
		assert.notEqual(db.secret, base.secret);
		const conf = checksums(render(["given-secrets.yaml"], ["config.workers=4"]));
		assert.notEqual(conf.config, base.config);
		assert.equal(conf.secret, base.secret);
	});
	test("the secret checksum covers the rendered Secrets", () => {
		// Same render, two generated values: the checksum is computed from
		// the cached values, so generated secrets differ between renders.
		const a = checksums(render());
		const b = checksums(render());
		assert.notEqual(a.secret, b.secret, "generated secrets not part of the checksum");
		assert.equal(a.config, b.config);
	});
});

describe("wrong values are refused with a clear message", () => {
	const cases = [
		[["bogus=1"], /additional properties 'bogus' not allowed/],
		[["replicaCount=three"], /replicaCount.*got string, want integer/],
		[["config.signup=maybe"], /config\/signup/],
		[["config.trustedProxies=ingress"], /config\/trustedProxies/],
		[["config.workers=0"], /config\/workers/],
		[["mariadb.persistence.size=8GB"], /mariadb\/persistence\/size/],
		[["service.port=70000"], /service\/port/],
		[["mariadb.imagee.tag=1"], /additional properties 'imagee' not allowed/],
		[["image.tag=latest"], /image\.tag must be a fixed version, not "latest"/],
		[["mariadb.image.tag=latest"], /mariadb\.image\.tag must be a fixed version/],
		[["redis.image.tag=latest"], /redis\.image\.tag must be a fixed version/],
		[["mariadb.enabled=false"], /mariadb\.enabled is false: set externalDatabase\.host/],
		[["mariadb.enabled=false", "externalDatabase.host=db"], /set externalDatabase\.existingSecret \(preferred\) or externalDatabase\.password/],
		[["externalDatabase.host=db"], /externalDatabase\.host is set while mariadb\.enabled is true/],
		[["redis.enabled=false"], /redis\.enabled is false: set externalRedis\.host/],
		[["autoscaling.enabled=true", "autoscaling.minReplicas=5", "autoscaling.maxReplicas=2"], /autoscaling\.minReplicas \(5\) is greater than autoscaling\.maxReplicas \(2\)/],
		[["ingress.enabled=true", "ingress.tls[0].secretName=t", "ingress.tls[0].hosts[0]=other.example.org"], /ingress\.tls lists host "other\.example\.org" which is not in ingress\.hosts/],
		[["appSecret.value=short"], /appSecret\.value must be at least 32 characters/],
		[["appSecret.existingSecret=s", "admin.password=x"], /appSecret\.existingSecret is set/],
		[["admin.password=short"], /admin\.password must be at least 8 characters/],
		[["admin.email=not-an-address"], /admin\/email/],
		[["seed.enabled=true"], /seed\.enabled is true: put the SQL to load in seed\.sql/],
		[["replicaCount=3", "podDisruptionBudget.minAvailable=3"], /podDisruptionBudget\.minAvailable \(3\) must be lower than the number of replicas \(3\)/],
		[["migrations.enabled=false"], /keep migrations\.enabled true/],
	];
	for (const [sets, message] of cases) {
		test(sets.join(" "), () => {
			const err = refuse([], sets);
			assert.match(err, message);
		});
	}
});

describe("values.yaml and values.schema.json", () => {
	// Kubernetes objects passed through as a whole: documented by their key.
	const WHOLE = new Set(["resources", "podSecurityContext", "securityContext"]);
	const values = parseDocument(readFileSync(path.join(chart, "values.yaml"), "utf8"));
	const schema = JSON.parse(readFileSync(path.join(chart, "values.schema.json"), "utf8"));
	const undocumented = [];
	const unschema = [];
	// A key is documented by a comment above it, or above its parent key.
	function walk(node, prefix, parentDocumented, whole, sch) {
		if (!isMap(node))
			return;
		node.items.forEach((pair, i) => {
			const key = String(pair.key.value);
			const p = prefix ? `${prefix}.${key}` : key;
			const documented = Boolean(pair.key.commentBefore) ||
				(i === 0 && Boolean(node.commentBefore));
			if (!documented && !parentDocumented && !whole)
				undocumented.push(p);
			const sub = sch?.properties?.[key];
			if (sch?.additionalProperties === false && !sub)
				unschema.push(p);
			walk(pair.value, p, documented, whole || WHOLE.has(key), sub);
		});
	}
	walk(values.contents, "", false, false, schema);
	test("every value is documented in values.yaml", () => {
		assert.deepEqual(undocumented, []);
	});
	test("every value is described by the schema (strict objects)", () => {
		assert.deepEqual(unschema, []);
		assert.equal(schema.additionalProperties, false);
	});
});

describe("image", () => {
	test("Dockerfile matches what the chart expects", () => {
		const df = readFileSync(path.join(root, "Dockerfile"), "utf8");
		assert.match(df, /^ARG BASE=debian:bookworm-slim$/m);
		assert.match(df, /^FROM \$\{BASE\} AS build$/m);
		assert.match(df, /^USER 10001:10001$/m);
		assert.match(df, /^WORKDIR \/usr\/share\/daybook$/m);
		assert.match(df, /^CMD \["kore", "-f", "-n", "-r", "-c", "\/etc\/daybook\/daybook.conf"\]$/m);
		assert.match(df, /\/usr\/lib\/daybook\/daybook\.so/);
		assert.match(df, /\/usr\/bin\/daybook-admin/);
		assert.ok(existsSync(path.join(root, ".dockerignore")));
	});
});
