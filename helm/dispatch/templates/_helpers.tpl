{{/* The chart's name, or nameOverride. */}}
{{- define "dispatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of the release's objects: fullnameOverride, else release-chart (the release name alone
when it already contains the chart's name). Cut to 63 characters, the limit of a DNS label.
*/}}
{{- define "dispatch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dispatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "dispatch.labels" -}}
helm.sh/chart: {{ include "dispatch.chart" . }}
{{ include "dispatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dispatch
{{- end }}

{{/* Labels that select the pods; never change them after a release is installed. */}}
{{- define "dispatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dispatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels that select the metrics Service: the API's Service has no component label. */}}
{{- define "dispatch.metricsSelectorLabels" -}}
{{ include "dispatch.selectorLabels" . }}
app.kubernetes.io/component: metrics
{{- end }}

{{/* The name of the metrics Service, cut so that it stays a DNS label. */}}
{{- define "dispatch.metricsServiceName" -}}
{{- printf "%s-metrics" (include "dispatch.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{- define "dispatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dispatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "dispatch.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Settings that cannot stand together; rendering fails with the reason. The memory backend keeps
every job in the memory of one pod: a second replica would be a second, separate set of queues.
*/}}
{{- define "dispatch.validate" -}}
{{- if eq .Values.backend "memory" }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail (printf "backend \"memory\" keeps every job inside one pod, so replicaCount must be 1 (got %d): more replicas would be separate queues that lose each other's jobs. Keep 1 replica, or use backend \"redis\" (docs/deploy.md, section 7)." (int .Values.replicaCount)) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "backend \"memory\" keeps every job inside one pod, so it cannot be autoscaled: set autoscaling.enabled=false, or use backend \"redis\"." }}
{{- end }}
{{- if and .Values.updateStrategy (ne (.Values.updateStrategy.type | default "RollingUpdate") "Recreate") }}
{{- fail "backend \"memory\" keeps every job inside one pod, so updateStrategy must be Recreate (or empty): a rolling update would run an old and a new pod, two separate sets of queues, side by side." }}
{{- end }}
{{- else }}
{{- include "dispatch.validateRedis" . }}
{{- end }}
{{- include "dispatch.validateSecurity" . }}
{{- include "dispatch.validateRoutes" . }}
{{- $drain := add (int .Values.preStopSleepSeconds) (int .Values.shutdownSeconds) 5 }}
{{- if lt (int .Values.terminationGracePeriodSeconds) $drain }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must cover preStopSleepSeconds + shutdownSeconds + 5 s for the JVM to exit (%d), or Kubernetes kills the pod mid-drain." (int .Values.terminationGracePeriodSeconds) $drain) }}
{{- end }}
{{- end }}

{{/*
The redis backend's settings: one address of an existing Redis, no password outside a Secret, and
a disruption budget that lets node drains proceed. Messages never repeat redis.url, which may
carry a password by mistake.
*/}}
{{- define "dispatch.validateRedis" -}}
{{- $redis := .Values.redis }}
{{- $given := list }}
{{- if $redis.url }}{{ $given = append $given "redis.url" }}{{ end }}
{{- if $redis.host }}{{ $given = append $given "redis.host" }}{{ end }}
{{- if $redis.sentinel.nodes }}{{ $given = append $given "redis.sentinel.nodes" }}{{ end }}
{{- if $redis.cluster.nodes }}{{ $given = append $given "redis.cluster.nodes" }}{{ end }}
{{- if not $given }}
{{- fail "backend \"redis\" needs the address of an existing Redis or Valkey (the chart installs none): set redis.url (e.g. redis://redis-master.redis.svc:6379), redis.host, redis.sentinel.nodes, or redis.cluster.nodes. See docs/deploy.md, section 7." }}
{{- end }}
{{- if gt (len $given) 1 }}
{{- fail (printf "backend \"redis\" takes one Redis address, got %s: keep only one of them." (join " and " $given)) }}
{{- end }}
{{- if $redis.url }}
{{- $url := urlParse $redis.url }}
{{- if $url.userinfo }}
{{- fail "redis.url must not carry a user name or password: values end up in a ConfigMap. Put the user name in redis.username and the password in a Secret named by redis.existingSecret." }}
{{- end }}
{{- if or (not (has $url.scheme (list "redis" "rediss"))) (not $url.hostname) (not (regexMatch "^(/[0-9]*)?$" $url.path)) $url.query $url.fragment }}
{{- fail "redis.url must look like redis://host:port or rediss://host:port, optionally followed by /database (a number)." }}
{{- end }}
{{- end }}
{{- if and $redis.sentinel.nodes (not $redis.sentinel.master) }}
{{- fail "redis.sentinel.nodes needs redis.sentinel.master: the name the sentinels know the primary by (sentinel monitor <master> ...)." }}
{{- end }}
{{- if and (or $redis.sentinel.master $redis.sentinel.existingSecret) (not $redis.sentinel.nodes) }}
{{- fail "redis.sentinel.master and redis.sentinel.existingSecret are only used with redis.sentinel.nodes: name the sentinels too." }}
{{- end }}
{{- if and $redis.cluster.nodes (gt (int $redis.database) 0) }}
{{- fail "a Redis Cluster has database 0 only: leave redis.database at 0." }}
{{- end }}
{{- if and $redis.tls.existingCaSecret (not (include "dispatch.redisTls" .)) }}
{{- fail "redis.tls.existingCaSecret is only used over TLS: set redis.tls.enabled=true (or a rediss:// url)." }}
{{- end }}
{{- $pdb := .Values.podDisruptionBudget }}
{{- $fewest := ternary (int .Values.autoscaling.minReplicas) (int .Values.replicaCount) .Values.autoscaling.enabled }}
{{- if and $pdb.enabled (gt $fewest 0) }}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "string" $pdb.minAvailable)) (ge (int $pdb.minAvailable) $fewest) }}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) leaves no pod of %d to evict: every node drain would hang. Use maxUnavailable: 1 (minAvailable: null), or more replicas." (int $pdb.minAvailable) $fewest) }}
{{- end }}
{{- if and (kindIs "invalid" $pdb.minAvailable) (not (kindIs "string" $pdb.maxUnavailable)) (eq (int $pdb.maxUnavailable) 0) }}
{{- fail "podDisruptionBudget.maxUnavailable 0 lets no pod be evicted: every node drain would hang. Use maxUnavailable: 1." }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Credentials and the management port: no API key or issuer while security is off (it would not
be off), and metrics never on the API's port, which the Service exposes.
*/}}
{{- define "dispatch.validateSecurity" -}}
{{- $security := .Values.security }}
{{- if and (not $security.enabled) (or $security.apiKeys.existingSecret (include "dispatch.jwtConfigured" .)) }}
{{- fail "security.enabled=false would leave the API open, yet API keys or a JWT issuer are configured, which the service would require anyway: set security.enabled=true, or remove them." }}
{{- end }}
{{- if eq (int .Values.management.port) (int .Values.service.port) }}
{{- fail (printf "management.port must differ from service.port (%d): the actuator's metrics would be served on the API's port, and through the Service." (int .Values.service.port)) }}
{{- end }}
{{- end }}

{{/* "true" when JWTs are accepted (an issuer or a JWK set is named), else empty. */}}
{{- define "dispatch.jwtConfigured" -}}
{{- if or .Values.security.jwt.issuerUri .Values.security.jwt.jwkSetUri }}true{{ end }}
{{- end }}

{{/* Where the YAML of security.apiKeys.existingSecret is mounted, and imported from. */}}
{{- define "dispatch.apiKeysDir" -}}
/etc/dispatch-api-keys
{{- end }}

{{- define "dispatch.tlsDir" -}}
/etc/dispatch-tls
{{- end }}

{{/* "true" when the connection to Redis uses TLS, else empty. */}}
{{- define "dispatch.redisTls" -}}
{{- if or .Values.redis.tls.enabled (and .Values.redis.url (eq (urlParse .Values.redis.url).scheme "rediss")) }}true{{ end }}
{{- end }}

{{/* The database number: a url's /database, else redis.database. */}}
{{- define "dispatch.redisDatabase" -}}
{{- $path := "" }}
{{- if .Values.redis.url }}{{ $path = trimPrefix "/" (urlParse .Values.redis.url).path }}{{ end }}
{{- default (int .Values.redis.database | toString) $path }}
{{- end }}

{{/* The Secret with the CA certificate of the redis backend's TLS connection, or empty. */}}
{{- define "dispatch.redisCaSecret" -}}
{{- if eq .Values.backend "redis" }}{{ .Values.redis.tls.existingCaSecret }}{{ end }}
{{- end }}

{{/* Where the CA certificate of redis.tls.existingCaSecret is mounted. */}}
{{- define "dispatch.redisCaDir" -}}
/etc/dispatch-redis-ca
{{- end }}

{{/*
Spring Boot's spring.data.redis.* for redis.*. A url is taken apart into host, port and database:
given spring.data.redis.url, Spring Boot would take the credentials from the url alone and ignore
the password of SPRING_DATA_REDIS_PASSWORD.
*/}}
{{- define "dispatch.springDataRedis" -}}
{{- $redis := .Values.redis }}
{{- $settings := dict }}
{{- if $redis.cluster.nodes }}
{{- $_ := set $settings "cluster" (dict "nodes" $redis.cluster.nodes) }}
{{- else if $redis.sentinel.nodes }}
{{- $sentinel := dict "master" $redis.sentinel.master "nodes" $redis.sentinel.nodes }}
{{- with $redis.sentinel.username }}
{{- $_ := set $sentinel "username" . }}
{{- end }}
{{- $_ := set $settings "sentinel" $sentinel }}
{{- $_ := set $settings "database" (int $redis.database) }}
{{- else if $redis.url }}
{{- $url := urlParse $redis.url }}
{{- $port := regexFind "[0-9]+$" (regexFind ":[0-9]+$" $url.host) | default "6379" }}
{{- $_ := set $settings "host" $url.hostname }}
{{- $_ := set $settings "port" (int $port) }}
{{- $_ := set $settings "database" (int (include "dispatch.redisDatabase" .)) }}
{{- else }}
{{- $_ := set $settings "host" $redis.host }}
{{- $_ := set $settings "port" (int $redis.port) }}
{{- $_ := set $settings "database" (int $redis.database) }}
{{- end }}
{{- with $redis.username }}
{{- $_ := set $settings "username" . }}
{{- end }}
{{- if include "dispatch.redisTls" . }}
{{- $ssl := dict "enabled" true }}
{{- if $redis.tls.existingCaSecret }}
{{- $_ := set $ssl "bundle" "redis" }}
{{- end }}
{{- $_ := set $settings "ssl" $ssl }}
{{- end }}
{{- toYaml $settings }}
{{- end }}

{{/* The Redis address, as NOTES.txt shows it. */}}
{{- define "dispatch.redisAddress" -}}
{{- $redis := .Values.redis }}
{{- if $redis.cluster.nodes }}
{{- printf "the Redis Cluster of %s" (join ", " $redis.cluster.nodes) }}
{{- else if $redis.sentinel.nodes }}
{{- printf "Redis primary '%s' of the sentinels %s" $redis.sentinel.master (join ", " $redis.sentinel.nodes) }}
{{- else }}
{{- $settings := include "dispatch.springDataRedis" . | fromYaml }}
{{- printf "%s:%v" $settings.host $settings.port }}
{{- end }}
{{- if include "dispatch.redisTls" . }} over TLS{{ end }}
{{- end }}

{{/* The Deployment's update strategy: as given, else the backend's. */}}
{{- define "dispatch.updateStrategy" -}}
{{- if .Values.updateStrategy }}
{{- toYaml .Values.updateStrategy }}
{{- else if eq .Values.backend "memory" }}
type: Recreate
{{- else }}
type: RollingUpdate
rollingUpdate:
  maxSurge: 1
  maxUnavailable: 0
{{- end }}
{{- end }}

{{/*
The pods' topologySpreadConstraints: as given (null: the backend's), each without labelSelector
given this release's pods, counted per rollout (pod-template-hash), so that old pods about to go
do not skew the spread of new ones.
*/}}
{{- define "dispatch.topologySpreadConstraints" -}}
{{- $constraints := .Values.topologySpreadConstraints }}
{{- if kindIs "invalid" $constraints }}
{{- $constraints = list }}
{{- if eq .Values.backend "redis" }}
{{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
{{- $constraints = append $constraints (dict "maxSkew" 1 "topologyKey" . "whenUnsatisfiable" "ScheduleAnyway") }}
{{- end }}
{{- end }}
{{- end }}
{{- $selector := dict "matchLabels" (include "dispatch.selectorLabels" . | fromYaml) }}
{{- range $constraints }}
{{- $constraint := deepCopy . }}
{{- if not (hasKey $constraint "labelSelector") }}
{{- $_ := set $constraint "labelSelector" $selector }}
{{- $_ := set $constraint "matchLabelKeys" (list "pod-template-hash") }}
{{- end }}
- {{ toYaml $constraint | nindent 2 | trim }}
{{- end }}
{{- end }}

{{/*
The application.yaml the chart gives the service: never a password (an env var) nor an API key's
hash (imported from its Secret's mounted file).
*/}}
{{- define "dispatch.applicationYaml" -}}
{{- $dispatch := deepCopy .Values.dispatch }}
{{- if not $dispatch.maxHeldBytes }}
{{- $_ := unset $dispatch "maxHeldBytes" }}
{{- end }}
{{- $_ := set $dispatch "backend" .Values.backend }}
{{- $spring := dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" (int .Values.shutdownSeconds))) }}
{{- $bundles := dict }}
{{- $security := .Values.security }}
{{- $_ := set $dispatch "security" (dict "required" $security.enabled) }}
{{- if $security.apiKeys.existingSecret }}
{{- $_ := set $spring "config" (dict "import" (printf "file:%s/api-keys.yaml" (include "dispatch.apiKeysDir" .))) }}
{{- end }}
{{- if include "dispatch.jwtConfigured" . }}
{{- $jwt := dict }}
{{- with $security.jwt.issuerUri }}{{ $_ := set $jwt "issuer-uri" . }}{{ end }}
{{- with $security.jwt.jwkSetUri }}{{ $_ := set $jwt "jwk-set-uri" . }}{{ end }}
{{- $_ := set $spring "security" (dict "oauth2" (dict "resourceserver" (dict "jwt" $jwt))) }}
{{- $_ := set $dispatch.security "jwt" (pick $security.jwt "nameClaim" "rolesClaim" "queuesClaim") }}
{{- end }}
{{- if eq .Values.backend "redis" }}
{{- $redis := .Values.redis }}
{{- $_ := set $dispatch "redis" (dict "keyPrefix" $redis.keyPrefix "timeout" $redis.timeout "recheckPeriod" $redis.recheckPeriod "waitReplicas" (int $redis.waitReplicas)) }}
{{- $_ := set $spring "data" (dict "redis" (include "dispatch.springDataRedis" . | fromYaml)) }}
{{- if $redis.tls.existingCaSecret }}
{{- $ca := printf "file:%s/%s" (include "dispatch.redisCaDir" .) $redis.tls.existingCaSecretKey }}
{{- $_ := set $bundles "redis" (dict "truststore" (dict "certificate" $ca)) }}
{{- end }}
{{- end }}
{{- if .Values.tls.existingSecret }}
{{- $dir := include "dispatch.tlsDir" . }}
{{- $_ := set $bundles "dispatch" (dict "keystore" (dict "certificate" (printf "file:%s/tls.crt" $dir) "private-key" (printf "file:%s/tls.key" $dir)) "reload-on-update" true) }}
{{- end }}
{{- if $bundles }}
{{- $_ := set $spring "ssl" (dict "bundle" (dict "pem" $bundles)) }}
{{- end }}
server:
  port: {{ .Values.service.port }}
  shutdown: graceful
  {{- if .Values.tls.existingSecret }}
  ssl:
    bundle: dispatch
  {{- end }}
# The actuator on a port of its own, off the Service; the probes' groups on the API's port too.
management:
  server:
    port: {{ .Values.management.port }}
  endpoint:
    health:
      probes:
        add-additional-paths: true
springdoc:
  api-docs:
    enabled: {{ .Values.openapi.enabled }}
  swagger-ui:
    enabled: {{ .Values.openapi.enabled }}
{{ dict "spring" $spring | toYaml }}
{{ dict "dispatch" $dispatch | toYaml }}
{{- end }}

{{/*
Routes from outside: an HTTPRoute attaches to named Gateways, and its gateway would speak plain
HTTP to a pod that serves HTTPS (that takes a BackendTLSPolicy, which the chart does not make).
*/}}
{{- define "dispatch.validateRoutes" -}}
{{- if .Values.httpRoute.enabled }}
{{- if not .Values.httpRoute.parentRefs }}
{{- fail "httpRoute.enabled needs httpRoute.parentRefs: the Gateways the route attaches to, e.g. [{name: public, namespace: gateways}]." }}
{{- end }}
{{- if .Values.tls.existingSecret }}
{{- fail "httpRoute with tls.existingSecret: the gateway would speak plain HTTP to the pods' HTTPS port. Terminate TLS at the Gateway and leave tls.existingSecret empty (the Ingress supports HTTPS to the pods)." }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Seconds in dispatch.http.maxWait, rounded up: a Spring Boot duration (500ms, 30s, 2m, 1h, 1d) or
ISO-8601 (PT1M30S), as values.schema.json admits them.
*/}}
{{- define "dispatch.maxWaitSeconds" -}}
{{- $wait := .Values.dispatch.http.maxWait | toString }}
{{- $seconds := 0.0 }}
{{- if hasPrefix "P" $wait }}
{{- $iso := "^P(?:([0-9.]+)D)?(?:T(?:([0-9.]+)H)?(?:([0-9.]+)M)?(?:([0-9.]+)S)?)?$" }}
{{- range $i, $unit := list 86400.0 3600.0 60.0 1.0 }}
{{- $part := regexReplaceAll $iso $wait (printf "${%d}" (add1 $i)) | default "0" }}
{{- $seconds = addf $seconds (mulf (float64 $part) $unit) }}
{{- end }}
{{- else }}
{{- $units := dict "ns" 0.000000001 "us" 0.000001 "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 "d" 86400.0 }}
{{- $unit := regexFind "[a-z]+$" $wait }}
{{- $seconds = mulf (float64 (trimSuffix $unit $wait)) (get $units $unit) }}
{{- end }}
{{- ceil $seconds | int }}
{{- end }}

{{/*
How long a proxy in front of the service lets a request wait for its answer, in seconds: the
longest long poll (dispatch.http.maxWait) and proxyTimeoutMarginSeconds.
*/}}
{{- define "dispatch.proxyTimeoutSeconds" -}}
{{- add (include "dispatch.maxWaitSeconds" . | int) (int .Values.proxyTimeoutMarginSeconds) }}
{{- end }}
