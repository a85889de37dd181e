{{/*
gaia-lib.env.container: the container's env list: what the chart wires itself (port, drain, pod
identity, NATS, upstream URLs, heap size), the secret variables from the Secret, then extraEnv.
Non-secret settings come from the service's ConfigMap instead (envFrom).
Usage: env: {{- include "gaia-lib.env.container" . | nindent 12 }}
*/}}
{{- define "gaia-lib.env.container" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
- name: PORT
  value: {{ $v.port | int | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ mul ($v.shutdown.drainSeconds | int) 1000 | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- with $v.serviceDiscovery }}
- name: SERVICE_DISCOVERY
  value: {{ . | quote }}
{{- end }}
{{- include "gaia-lib.env.heap" $v }}
{{- include "gaia-lib.env.nats" . }}
{{- range $name, $upstream := $v.upstreams }}
{{- if $upstream.enabled }}
- name: {{ printf "%s_SERVICE_URL" (upper $name) }}
  value: {{ printf "http://%s:%d" ($upstream.host | default (printf "%s-%s" $.Release.Name $name)) ($upstream.port | int) | quote }}
{{- end }}
{{- end }}
{{- $postgresql := (.Values.global).postgresql | default dict -}}
{{- range $v.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      {{- if and (eq .name "DATABASE_URL") $postgresql.existingSecret }}
      name: {{ $postgresql.existingSecret }}
      key: {{ $postgresql.existingSecretKey | default "DATABASE_URL" }}
      {{- else }}
      name: {{ include "gaia-lib.names.secret" $ }}
      key: {{ .name }}
      {{- end }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- with $v.extraEnv }}
{{ tpl (toYaml .) $ }}
{{- end }}
{{- end -}}

{{/*
gaia-lib.env.heap: NODE_OPTIONS=--max-old-space-size at heapLimitPercent of the memory limit (Node
does not size its heap from the cgroup limit reliably). Takes the merged values; renders nothing
when heapLimitPercent is 0 or the limit is not in Mi/Gi.
Usage: {{- include "gaia-lib.env.heap" $v }}
*/}}
{{- define "gaia-lib.env.heap" -}}
{{- $memory := toString ((.resources.limits | default dict).memory | default "") -}}
{{- if and .heapLimitPercent (regexMatch "^[0-9]+(Mi|Gi)$" $memory) -}}
{{- $mebibytes := regexFind "^[0-9]+" $memory | int -}}
{{- if hasSuffix "Gi" $memory }}{{ $mebibytes = mul $mebibytes 1024 }}{{ end }}
- name: NODE_OPTIONS
  value: {{ printf "--max-old-space-size=%d" (div (mul $mebibytes .heapLimitPercent) 100) | quote }}
{{- end -}}
{{- end -}}

{{/*
gaia-lib.env.nats: NATS_URL from global.nats.url, global.nats.existingSecret, or the release's own
NATS (<release>-nats, from nats.enabled in the umbrella chart).
Usage: {{- include "gaia-lib.env.nats" . }}
*/}}
{{- define "gaia-lib.env.nats" -}}
{{- $nats := (.Values.global).nats | default dict }}
- name: NATS_URL
{{- if $nats.url }}
  value: {{ $nats.url | quote }}
{{- else if $nats.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ $nats.existingSecret }}
      key: {{ $nats.existingSecretKey | default "NATS_URL" }}
{{- else }}
  value: {{ printf "nats://%s:4222" (include "gaia-lib.names.component" (dict "ctx" . "component" "nats")) | quote }}
{{- end }}
{{- end -}}
