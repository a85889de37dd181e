{{/*
gaia-lib.service.manifest: ClusterIP Service on the service's port, named "http" (the gateway's
discovery and the ServiceMonitor look the port up by that name).
Usage: {{ include "gaia-lib.service.manifest" . }}
*/}}
{{- define "gaia-lib.service.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "gaia-lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "gaia-lib.labels.selector" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $v.port | int }}
      targetPort: http
      protocol: TCP
{{- end -}}
