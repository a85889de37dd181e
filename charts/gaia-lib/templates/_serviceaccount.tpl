{{/*
gaia-lib.serviceaccount.manifest: the service's own ServiceAccount (when serviceAccount.create);
the API token is mounted only where serviceAccount.automountServiceAccountToken says so.
Usage: {{ include "gaia-lib.serviceaccount.manifest" . }}
*/}}
{{- define "gaia-lib.serviceaccount.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- if $v.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "gaia-lib.names.serviceAccount" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
  {{- with $v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
{{- end -}}
{{- end -}}
