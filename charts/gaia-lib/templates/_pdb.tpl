{{/*
gaia-lib.pdb.manifest: PodDisruptionBudget, only when pdb.enabled and the service runs more than one
replica (a PDB over a single pod would block node drains). maxUnavailable (default 1) unless
minAvailable is set.
Usage: {{ include "gaia-lib.pdb.manifest" . }}
*/}}
{{- define "gaia-lib.pdb.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- if and $v.pdb.enabled (gt (include "gaia-lib.values.minReplicas" . | int) 1) -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "gaia-lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $v.pdb.minAvailable) }}
  minAvailable: {{ $v.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $v.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "gaia-lib.labels.selector" . | nindent 6 }}
{{- end -}}
{{- end -}}
