{{/*
gaia-lib.configmap.manifest: the service's non-secret settings (values `config`) as a ConfigMap that
the container loads with envFrom; its hash is the pod's checksum/config annotation.
Usage: {{ include "gaia-lib.configmap.manifest" . }}
*/}}
{{- define "gaia-lib.configmap.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "gaia-lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
data:
  {{- range $key, $value := $v.config }}
  {{- /* numbers come back from fromYaml as float64; print whole ones without an exponent */}}
  {{- if and (kindIs "float64" $value) (eq $value (float64 (int64 $value))) }}{{ $value = int64 $value }}{{ end }}
  {{ $key }}: {{ toString $value | quote }}
  {{- end }}
{{- end -}}
