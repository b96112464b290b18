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
{{- fail (printf "backend \"memory\" keeps every job inside one pod, so replicaCount must be 1 (got %d): more replicas would be separate queues that lose each other's jobs. Keep 1 replica, or use a shared backend when one is available." (int .Values.replicaCount)) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "backend \"memory\" keeps every job inside one pod, so it cannot be autoscaled: set autoscaling.enabled=false." }}
{{- end }}
{{- end }}
{{- $drain := add (int .Values.preStopSleepSeconds) (int .Values.shutdownSeconds) 5 }}
{{- if lt (int .Values.terminationGracePeriodSeconds) $drain }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must cover preStopSleepSeconds + shutdownSeconds + 5 s for the JVM to exit (%d), or Kubernetes kills the pod mid-drain." (int .Values.terminationGracePeriodSeconds) $drain) }}
{{- end }}
{{- end }}

{{/* The application.yaml the chart gives the service. */}}
{{- define "dispatch.applicationYaml" -}}
{{- $dispatch := deepCopy .Values.dispatch }}
{{- if not $dispatch.maxHeldBytes }}
{{- $_ := unset $dispatch "maxHeldBytes" }}
{{- end }}
server:
  port: {{ .Values.service.port }}
  shutdown: graceful
spring:
  lifecycle:
    timeout-per-shutdown-phase: {{ .Values.shutdownSeconds }}s
{{ dict "dispatch" $dispatch | toYaml }}
{{- end }}
