{{/*
gaia-lib.servicemonitor.manifest: Prometheus Operator ServiceMonitor scraping /metrics on the "http"
port. serviceMonitor.labels lets a kube-prometheus-stack Prometheus select it (release: <its release>).
Usage: {{ include "gaia-lib.servicemonitor.manifest" . }}
*/}}
{{- define "gaia-lib.servicemonitor.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $monitor := $v.serviceMonitor -}}
{{- if $monitor.enabled -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "gaia-lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
    {{- with $monitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "gaia-lib.labels.selector" . | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $monitor.interval }}
      scrapeTimeout: {{ $monitor.scrapeTimeout }}
{{- end -}}
{{- end -}}
