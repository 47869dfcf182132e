{{/*
Names, labels, images, connection settings, secrets and validation shared by
the templates.  Conventions:
  - every resource carries the app.kubernetes.io/* labels ("daybook.labels")
    and selects on name and instance (+ component) only;
  - no namespace is written: resources land in the release namespace.
*/}}

{{/* Chart name, overridable. */}}
{{- define "daybook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified name: RELEASE-daybook, or RELEASE when it contains the chart name. */}}
{{- define "daybook.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "daybook.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "daybook.mariadb.fullname" -}}
{{- printf "%s-mariadb" (include "daybook.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "daybook.redis.fullname" -}}
{{- printf "%s-redis" (include "daybook.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels.  Call with (dict "ctx" $ "component" "app"). */}}
{{- define "daybook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "daybook.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Standard labels.  Call with (dict "ctx" $ "component" "app"). */}}
{{- define "daybook.labels" -}}
helm.sh/chart: {{ include "daybook.chart" .ctx }}
{{ include "daybook.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: daybook
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end -}}

{{/*
An image reference from {repository, tag}; fails on "latest" or an empty
tag.  Call with (dict "image" .Values.x.image "default" "fallback-tag" "what" "x.image").
*/}}
{{- define "daybook.imageRef" -}}
{{- $tag := default .default .image.tag | toString -}}
{{- if or (eq $tag "") (eq $tag "latest") -}}
{{- fail (printf "%s.tag must be a fixed version, not %q" .what $tag) -}}
{{- end -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}

{{- define "daybook.image" -}}
{{- include "daybook.imageRef" (dict "image" .Values.image "default" .Chart.AppVersion "what" "image") -}}
{{- end -}}

{{/* ---- Database and Redis connection ---- */}}

{{- define "daybook.db.host" -}}
{{- if .Values.mariadb.enabled -}}{{ include "daybook.mariadb.fullname" . }}{{- else -}}{{ .Values.externalDatabase.host }}{{- end -}}
{{- end -}}

{{- define "daybook.db.port" -}}
{{- if .Values.mariadb.enabled -}}3306{{- else -}}{{ .Values.externalDatabase.port }}{{- end -}}
{{- end -}}

{{- define "daybook.db.user" -}}
{{- if .Values.mariadb.enabled -}}{{ .Values.mariadb.auth.username }}{{- else -}}{{ .Values.externalDatabase.user }}{{- end -}}
{{- end -}}

{{- define "daybook.db.name" -}}
{{- if .Values.mariadb.enabled -}}{{ .Values.mariadb.auth.database }}{{- else -}}{{ .Values.externalDatabase.database }}{{- end -}}
{{- end -}}

{{- define "daybook.redis.host" -}}
{{- if .Values.redis.enabled -}}{{ include "daybook.redis.fullname" . }}{{- else -}}{{ .Values.externalRedis.host }}{{- end -}}
{{- end -}}

{{- define "daybook.redis.port" -}}
{{- if .Values.redis.enabled -}}6379{{- else -}}{{ .Values.externalRedis.port }}{{- end -}}
{{- end -}}

{{/* ---- Secrets ---- */}}

{{/* Name of the app Secret (keys app-secret, admin-password). */}}
{{- define "daybook.appSecret.name" -}}
{{- default (include "daybook.fullname" .) .Values.appSecret.existingSecret -}}
{{- end -}}

{{/* Name of the Secret the chart makes for external DB/Redis passwords given as values. */}}
{{- define "daybook.externalSecret.name" -}}
{{- printf "%s-external" (include "daybook.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The chart creates the external Secret when a password is given as a value. */}}
{{- define "daybook.externalSecret.create" -}}
{{- $db := and (not .Values.mariadb.enabled) (not .Values.externalDatabase.existingSecret) .Values.externalDatabase.password -}}
{{- $redis := and (not .Values.redis.enabled) (not .Values.externalRedis.existingSecret) .Values.externalRedis.password -}}
{{- $smtp := and (not .Values.smtp.existingSecret) .Values.smtp.password -}}
{{- if or $db $redis $smtp -}}true{{- end -}}
{{- end -}}

{{/* "name key" of the Secret holding the database password of the app user. */}}
{{- define "daybook.db.secretRef" -}}
{{- if .Values.mariadb.enabled -}}
{{- default (include "daybook.mariadb.fullname" .) .Values.mariadb.auth.existingSecret }} mariadb-password
{{- else if .Values.externalDatabase.existingSecret -}}
{{- .Values.externalDatabase.existingSecret }} {{ .Values.externalDatabase.existingSecretPasswordKey }}
{{- else -}}
{{- include "daybook.externalSecret.name" . }} db-password
{{- end -}}
{{- end -}}

{{/* "name key" of the Secret holding the Redis password, or "" for none. */}}
{{- define "daybook.redis.secretRef" -}}
{{- if .Values.redis.enabled -}}
{{- if .Values.redis.auth.enabled -}}
{{- if .Values.redis.auth.existingSecret -}}
{{- .Values.redis.auth.existingSecret }} {{ .Values.redis.auth.existingSecretPasswordKey }}
{{- else -}}
{{- include "daybook.redis.fullname" . }} redis-password
{{- end -}}
{{- end -}}
{{- else if .Values.externalRedis.existingSecret -}}
{{- .Values.externalRedis.existingSecret }} {{ .Values.externalRedis.existingSecretPasswordKey }}
{{- else if .Values.externalRedis.password -}}
{{- include "daybook.externalSecret.name" . }} redis-password
{{- end -}}
{{- end -}}

{{/*
A secret value: the one given in values, else the one already stored in the
cluster's Secret (lookup; kept across `helm upgrade`), else a new random one.
The result is cached for the rest of the render so that every template (the
Secret and the checksum annotations) sees the same value.
Call with (dict "ctx" $ "secret" NAME "key" KEY "given" VALUE "length" N).
*/}}
{{- define "daybook.secretValue" -}}
{{- $cache := .ctx.Values.__generated | default dict -}}
{{- $_ := set .ctx.Values "__generated" $cache -}}
{{- $id := printf "%s/%s" .secret .key -}}
{{- if not (hasKey $cache $id) -}}
{{- $value := "" -}}
{{- if .given -}}
{{- $value = .given -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- $value = index $existing.data .key | b64dec -}}
{{- else -}}
{{- $value = randAlphaNum (int .length) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $cache $id $value -}}
{{- end -}}
{{- index $cache $id -}}
{{- end -}}

{{/* Where daybook containers see their secret files. */}}
{{- define "daybook.secretsDir" -}}/etc/daybook/secrets{{- end -}}

{{/* "name key" of the Secret holding the SMTP password, or "" for none. */}}
{{- define "daybook.smtp.secretRef" -}}
{{- if .Values.smtp.existingSecret -}}
{{- .Values.smtp.existingSecret }} {{ .Values.smtp.existingSecretPasswordKey }}
{{- else if .Values.smtp.password -}}
{{- include "daybook.externalSecret.name" . }} smtp-password
{{- end -}}
{{- end -}}

{{/*
The projected volume "secrets" gathering, as files, the database password
(db-password), the Redis password (redis-password, when there is one), the
application secret (app-secret), the administrator's password
(admin-password) and the SMTP password (smtp-password, when there is one).
*/}}
{{- define "daybook.secretsVolume" -}}
- name: secrets
  projected:
    defaultMode: 288  # 0440: owner and group (fsGroup) may read
    sources:
      {{- $db := splitList " " (include "daybook.db.secretRef" .) }}
      - secret:
          name: {{ index $db 0 }}
          items:
            - key: {{ index $db 1 }}
              path: db-password
      {{- $redisRef := include "daybook.redis.secretRef" . }}
      {{- if $redisRef }}
      {{- $redis := splitList " " $redisRef }}
      - secret:
          name: {{ index $redis 0 }}
          items:
            - key: {{ index $redis 1 }}
              path: redis-password
      {{- end }}
      - secret:
          name: {{ include "daybook.appSecret.name" . }}
          items:
            - key: app-secret
              path: app-secret
            - key: admin-password
              path: admin-password
      {{- $smtpRef := include "daybook.smtp.secretRef" . }}
      {{- if $smtpRef }}
      {{- $smtp := splitList " " $smtpRef }}
      - secret:
          name: {{ index $smtp 0 }}
          items:
            - key: {{ index $smtp 1 }}
              path: smtp-password
      {{- end }}
{{- end -}}

{{/* Checksum of every secret value daybook uses, for the pod annotation. */}}
{{- define "daybook.secretsChecksum" -}}
{{- $parts := list (include "daybook.db.secretRef" .) (include "daybook.redis.secretRef" .) (include "daybook.appSecret.name" .) (include "daybook.smtp.secretRef" .) -}}
{{- if not .Values.appSecret.existingSecret -}}
{{- $parts = append $parts (include (print .Template.BasePath "/secret.yaml") .) -}}
{{- end -}}
{{- if and .Values.mariadb.enabled (not .Values.mariadb.auth.existingSecret) -}}
{{- $parts = append $parts (include (print .Template.BasePath "/mariadb/secret.yaml") .) -}}
{{- end -}}
{{- if and .Values.redis.enabled .Values.redis.auth.enabled (not .Values.redis.auth.existingSecret) -}}
{{- $parts = append $parts (include (print .Template.BasePath "/redis/secret.yaml") .) -}}
{{- end -}}
{{- if include "daybook.externalSecret.create" . -}}
{{- $parts = append $parts (include (print .Template.BasePath "/secret-external.yaml") .) -}}
{{- end -}}
{{- join "\n" $parts | sha256sum -}}
{{- end -}}

{{/* ---- Environment ---- */}}

{{/* DAYBOOK_BASE_URL: config.baseUrl, else from the first Ingress host. */}}
{{- define "daybook.baseUrl" -}}
{{- if .Values.config.baseUrl -}}
{{- .Values.config.baseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- $host := (first .Values.ingress.hosts).host -}}
{{- $tls := false -}}
{{- range .Values.ingress.tls -}}{{- if has $host .hosts -}}{{- $tls = true -}}{{- end -}}{{- end -}}
{{- printf "%s://%s" (ternary "https" "http" $tls) $host -}}
{{- else -}}
http://127.0.0.1:8080
{{- end -}}
{{- end -}}

{{/*
The non-secret environment of daybook, as a YAML map: the data of the
ConfigMap RELEASE-daybook-env, and the env of the hook Jobs (rendered inline
so that a pre-upgrade Job sees the new settings).
*/}}
{{- define "daybook.envData" -}}
{{- $secrets := include "daybook.secretsDir" . -}}
DAYBOOK_DB_HOST: {{ include "daybook.db.host" . | quote }}
DAYBOOK_DB_PORT: {{ include "daybook.db.port" . | quote }}
DAYBOOK_DB_USER: {{ include "daybook.db.user" . | quote }}
DAYBOOK_DB_NAME: {{ include "daybook.db.name" . | quote }}
DAYBOOK_DB_PASSWORD_FILE: {{ printf "%s/db-password" $secrets | quote }}
DAYBOOK_DB_POOL_SIZE: {{ .Values.config.dbPoolSize | quote }}
DAYBOOK_DB_QUEUE_MAX: {{ .Values.config.dbQueueMax | quote }}
DAYBOOK_DB_TIMEOUT_MS: {{ .Values.config.dbTimeoutMs | quote }}
DAYBOOK_REDIS_HOST: {{ include "daybook.redis.host" . | quote }}
DAYBOOK_REDIS_PORT: {{ include "daybook.redis.port" . | quote }}
{{- if include "daybook.redis.secretRef" . }}
DAYBOOK_REDIS_PASSWORD_FILE: {{ printf "%s/redis-password" $secrets | quote }}
{{- end }}
DAYBOOK_REDIS_DB: {{ .Values.config.redisDb | quote }}
DAYBOOK_REDIS_TIMEOUT_MS: {{ .Values.config.redisTimeoutMs | quote }}
DAYBOOK_SECRET_FILE: {{ printf "%s/app-secret" $secrets | quote }}
DAYBOOK_TEMPLATE_DIR: "/usr/share/daybook/templates"
DAYBOOK_ASSET_DIR: "/usr/share/daybook/assets"
DAYBOOK_SQL_DIR: "/usr/share/daybook/sql"
DAYBOOK_HTTPS: {{ ternary "1" "0" .Values.config.https | quote }}
DAYBOOK_SESSION_IDLE_MINUTES: {{ .Values.config.sessionIdleMinutes | quote }}
DAYBOOK_SESSION_MAX_HOURS: {{ .Values.config.sessionMaxHours | quote }}
DAYBOOK_SIGNUP: {{ .Values.config.signup | quote }}
DAYBOOK_BASE_URL: {{ include "daybook.baseUrl" . | quote }}
DAYBOOK_REPORT_TZ: {{ .Values.config.reportTz | quote }}
DAYBOOK_TRUSTED_PROXIES: {{ .Values.config.trustedProxies | quote }}
{{- if .Values.smtp.url }}
{{- if not .Values.smtp.from }}
{{- fail "smtp.from (DAYBOOK_MAIL_FROM) is required when smtp.url is set" }}
{{- end }}
DAYBOOK_SMTP_URL: {{ .Values.smtp.url | quote }}
{{- end }}
{{- if .Values.smtp.user }}
DAYBOOK_SMTP_USER: {{ .Values.smtp.user | quote }}
{{- end }}
{{- if include "daybook.smtp.secretRef" . }}
DAYBOOK_SMTP_PASSWORD_FILE: {{ printf "%s/smtp-password" $secrets | quote }}
{{- end }}
{{- if .Values.smtp.from }}
DAYBOOK_MAIL_FROM: {{ .Values.smtp.from | quote }}
{{- end }}
{{- end -}}

{{/*
The Kore configuration file /etc/daybook/daybook.conf: conf/daybook.conf of
the repository with the container's paths, listening on all addresses.
*/}}
{{- define "daybook.koreConf" -}}
# Kore configuration of daybook, rendered by the Helm chart.
# Started as: kore -f -n -r -c /etc/daybook/daybook.conf
server default {
	bind 0.0.0.0 8080
	tls no
}

load /usr/lib/daybook/daybook.so dbk_init

workers {{ .Values.config.workers }}
worker_max_connections {{ .Values.config.workerMaxConnections }}
worker_rlimit_nofiles {{ .Values.config.workerRlimitNofiles }}
worker_accept_threshold 16
pidfile /tmp/daybook.pid
http_hsts_enable 0
http_server_version daybook
http_body_max {{ int .Values.config.httpBodyMax }}
http_header_max 8192
http_header_timeout 10
http_body_timeout 30
http_keepalive_time 60
http_request_limit 2000

domain * {
	attach default
	include /usr/share/daybook/conf/routes.conf
}
{{- end -}}

{{/*
An init container that waits, at most waitForDatabaseSeconds, until the
database accepts TCP connections (bash /dev/tcp; the daybook image has bash).
*/}}
{{- define "daybook.waitForDatabase" -}}
- name: wait-for-database
  image: {{ include "daybook.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - bash
    - -c
    - |
      deadline=$((SECONDS + {{ .Values.waitForDatabaseSeconds }}))
      until (exec 3<>"/dev/tcp/$DAYBOOK_DB_HOST/$DAYBOOK_DB_PORT") 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
          echo "wait-for-database: $DAYBOOK_DB_HOST:$DAYBOOK_DB_PORT not reachable after {{ .Values.waitForDatabaseSeconds }}s" >&2
          exit 1
        fi
        sleep 2
      done
      echo "wait-for-database: $DAYBOOK_DB_HOST:$DAYBOOK_DB_PORT accepts connections"
  env:
    - name: DAYBOOK_DB_HOST
      value: {{ include "daybook.db.host" . | quote }}
    - name: DAYBOOK_DB_PORT
      value: {{ include "daybook.db.port" . | quote }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
{{- end -}}

{{/*
Pod spec pieces shared by the hook Jobs and the report CronJob: the daybook
container's env (inline), volume mounts and volumes.
*/}}
{{- define "daybook.jobEnv" -}}
{{- range $name, $value := include "daybook.envData" . | fromYaml }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "daybook.jobVolumeMounts" -}}
- name: secrets
  mountPath: {{ include "daybook.secretsDir" . }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "daybook.jobVolumes" -}}
{{ include "daybook.secretsVolume" . }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{/* ---- Validation: combinations that cannot work ---- */}}
{{- define "daybook.validate" -}}
{{- $v := .Values -}}
{{- if and (not $v.mariadb.enabled) (not $v.externalDatabase.host) -}}
{{- fail "mariadb.enabled is false: set externalDatabase.host (and externalDatabase.existingSecret or externalDatabase.password)" -}}
{{- end -}}
{{- if and (not $v.mariadb.enabled) (not $v.externalDatabase.existingSecret) (not $v.externalDatabase.password) -}}
{{- fail "mariadb.enabled is false: set externalDatabase.existingSecret (preferred) or externalDatabase.password" -}}
{{- end -}}
{{- if and $v.mariadb.enabled $v.externalDatabase.host -}}
{{- fail "externalDatabase.host is set while mariadb.enabled is true: set mariadb.enabled=false to use the external database" -}}
{{- end -}}
{{- if and (not $v.redis.enabled) (not $v.externalRedis.host) -}}
{{- fail "redis.enabled is false: set externalRedis.host" -}}
{{- end -}}
{{- if and $v.redis.enabled $v.externalRedis.host -}}
{{- fail "externalRedis.host is set while redis.enabled is true: set redis.enabled=false to use the external Redis" -}}
{{- end -}}
{{- if and $v.appSecret.value (lt (len $v.appSecret.value) 32) -}}
{{- fail "appSecret.value must be at least 32 characters long" -}}
{{- end -}}
{{- if and $v.appSecret.existingSecret (or $v.appSecret.value $v.admin.password) -}}
{{- fail "appSecret.existingSecret is set: do not also set appSecret.value or admin.password (they come from the existing Secret)" -}}
{{- end -}}
{{- if and $v.admin.password (lt (len $v.admin.password) 8) -}}
{{- fail "admin.password must be at least 8 characters (daybook-admin refuses shorter ones)" -}}
{{- end -}}
{{- if and $v.admin.create (not $v.admin.email) -}}
{{- fail "admin.create is true: set admin.email" -}}
{{- end -}}
{{- if and $v.seed.enabled (not (trim $v.seed.sql)) -}}
{{- fail "seed.enabled is true: put the SQL to load in seed.sql" -}}
{{- end -}}
{{- if and (or $v.seed.enabled $v.admin.create) (not $v.migrations.enabled) -}}
{{- fail "seed.enabled and admin.create need the schema: keep migrations.enabled true (or turn them off too)" -}}
{{- end -}}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) -}}
{{- fail (printf "autoscaling.minReplicas (%v) is greater than autoscaling.maxReplicas (%v)" $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) -}}
{{- end -}}
{{- if and $v.ingress.enabled (not $v.ingress.hosts) -}}
{{- fail "ingress.enabled is true: list at least one host in ingress.hosts" -}}
{{- end -}}
{{- if $v.ingress.enabled -}}
{{- $hosts := list -}}
{{- range $v.ingress.hosts -}}{{- $hosts = append $hosts .host -}}{{- end -}}
{{- range $v.ingress.tls -}}
{{- range .hosts -}}
{{- if not (has . $hosts) -}}
{{- fail (printf "ingress.tls lists host %q which is not in ingress.hosts" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $replicas := ternary $v.autoscaling.minReplicas $v.replicaCount $v.autoscaling.enabled -}}
{{- if and (ge (int $v.podDisruptionBudget.minAvailable) (int $replicas)) (gt (int $replicas) 1) -}}
{{- fail (printf "podDisruptionBudget.minAvailable (%v) must be lower than the number of replicas (%v), or no pod could ever be evicted" $v.podDisruptionBudget.minAvailable $replicas) -}}
{{- end -}}
{{- end -}}
