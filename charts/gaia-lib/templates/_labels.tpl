{{/*
gaia-lib.labels.standard: the recommended labels for every object of a service, or of a
release-level component when called with a dict.
Usage: {{ include "gaia-lib.labels.standard" . }}
       {{ include "gaia-lib.labels.standard" (dict "ctx" $ "component" "nats") }}
*/}}
{{- define "gaia-lib.labels.standard" -}}
{{- $ctx := .ctx | default . -}}
{{ include "gaia-lib.labels.selector" . }}
app.kubernetes.io/component: {{ .component | default $ctx.Chart.Name }}
app.kubernetes.io/part-of: gaia
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
helm.sh/chart: {{ include "gaia-lib.names.chart" $ctx }}
{{- end -}}

{{/*
gaia-lib.labels.selector: the immutable selector labels, name and instance only.
Usage: {{ include "gaia-lib.labels.selector" . }}
       {{ include "gaia-lib.labels.selector" (dict "ctx" $ "component" "nats") }}
*/}}
{{- define "gaia-lib.labels.selector" -}}
{{- $ctx := .ctx | default . -}}
app.kubernetes.io/name: {{ .component | default (include "gaia-lib.names.name" $ctx) }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
{{- end -}}

{{/*
gaia-lib.labels.peer: labels that pick a release's pods of one component in a NetworkPolicy peer.
The component label is the chart name, which nameOverride does not change.
Usage: {{ include "gaia-lib.labels.peer" (dict "ctx" $ "component" "gateway") }}
*/}}
{{- define "gaia-lib.labels.peer" -}}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}
