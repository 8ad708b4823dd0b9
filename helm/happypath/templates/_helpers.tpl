{{/* The chart's name. */}}
{{- define "happypath.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: the release name, unless it already contains the chart name. */}}
{{- define "happypath.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Fixed facts of each service: the component (also the image name), the HTTP port of its image and the external
systems it needs. Keys are the keys of .Values.services.
*/}}
{{- define "happypath.serviceFacts" -}}
collector: {component: event-collector, port: 8081, database: false, redis: true, jwt: true}
identity: {component: identity-service, port: 8082, database: true, redis: true, jwt: true}
journey: {component: journey-state-service, port: 8083, database: true, redis: true, jwt: true}
decision: {component: decision-service, port: 8084, database: true, redis: true, jwt: true}
analytics: {component: analytics-service, port: 8085, database: true, redis: false, jwt: true}
{{- end }}

{{/* The service keys in a stable order. */}}
{{- define "happypath.serviceKeys" -}}
collector identity journey decision analytics
{{- end }}

{{/* Name of one service's objects. Argument: dict root, key. */}}
{{- define "happypath.serviceName" -}}
{{- $facts := index (include "happypath.serviceFacts" .root | fromYaml) .key }}
{{- printf "%s-%s" (include "happypath.fullname" .root) $facts.component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels common to every object. */}}
{{- define "happypath.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: happypath
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- with .Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of chart-wide objects (dashboards, rules, topics). */}}
{{- define "happypath.labels" -}}
app.kubernetes.io/name: {{ include "happypath.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: platform
{{ include "happypath.commonLabels" . }}
{{- end }}

{{/* Selector labels of one service: never the version, which changes on upgrade. Argument: dict root, key. */}}
{{- define "happypath.selectorLabels" -}}
{{- $facts := index (include "happypath.serviceFacts" .root | fromYaml) .key -}}
app.kubernetes.io/name: {{ include "happypath.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ $facts.component }}
{{- end }}

{{/* All labels of one service's objects. Argument: dict root, key. */}}
{{- define "happypath.serviceLabels" -}}
{{ include "happypath.selectorLabels" . }}
{{ include "happypath.commonLabels" .root }}
{{- end }}

{{/* Image of one service. Argument: dict root, key. */}}
{{- define "happypath.image" -}}
{{- $facts := index (include "happypath.serviceFacts" .root | fromYaml) .key }}
{{- $svc := index .root.Values.services .key }}
{{- $repo := default (printf "%s/%s" .root.Values.global.image.registry $facts.component) $svc.image.repository }}
{{- $tag := default .root.Chart.AppVersion (default .root.Values.global.image.tag $svc.image.tag) }}
{{- if and (eq .root.Values.global.image.flavor "native") (not $svc.image.tag) }}
{{- $tag = printf "%s-native" $tag }}
{{- end }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/* Service account name. */}}
{{- define "happypath.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "happypath.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Whether any enabled service needs PostgreSQL. */}}
{{- define "happypath.needsDatabase" -}}
{{- $facts := include "happypath.serviceFacts" . | fromYaml }}
{{- range $key := splitList " " (include "happypath.serviceKeys" $) }}
{{- if and (index $.Values.services $key).enabled (index $facts $key).database }}true{{ end }}
{{- end }}
{{- end }}
