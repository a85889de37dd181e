{{/*
gaia-lib.rbac.manifest: a Role with rbac.rules in the release namespace and its RoleBinding to the
service's ServiceAccount; nothing when rbac.rules is empty.
Usage: {{ include "gaia-lib.rbac.manifest" . }}
*/}}
{{- define "gaia-lib.rbac.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- with $v.rbac.rules -}}
{{- $fullname := include "gaia-lib.names.fullname" $ -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ $fullname }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" $ | nindent 4 }}
rules:
  {{- toYaml . | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $fullname }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" $ | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ $fullname }}
subjects:
  - kind: ServiceAccount
    name: {{ include "gaia-lib.names.serviceAccount" $ }}
    namespace: {{ $.Release.Namespace }}
{{- end -}}
{{- end -}}
