{{/*
gaia-lib.hpa.manifest: autoscaling/v2 HPA named like the Deployment and Service, on CPU and memory
utilisation (a target of 0 leaves that resource out) plus the per-pod custom metrics in
autoscaling.hpa.customMetrics (served by prometheus-adapter), with explicit behavior.
Usage: {{ include "gaia-lib.hpa.manifest" . }}
*/}}
{{- define "gaia-lib.hpa.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $hpa := $v.autoscaling.hpa -}}
{{- if $hpa.enabled -}}
{{- $fullname := include "gaia-lib.names.fullname" . -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $hpa.minReplicas | int }}
  maxReplicas: {{ $hpa.maxReplicas | int }}
  metrics:
    {{- range $resource, $target := dict "cpu" $hpa.targetCPUUtilizationPercentage "memory" $hpa.targetMemoryUtilizationPercentage }}
    {{- if $target }}
    - type: Resource
      resource:
        name: {{ $resource }}
        target:
          type: Utilization
          averageUtilization: {{ $target | int }}
    {{- end }}
    {{- end }}
    {{- range $hpa.customMetrics }}
    - type: Pods
      pods:
        metric:
          name: {{ .name }}
        target:
          type: AverageValue
          averageValue: {{ .averageValue | quote }}
    {{- end }}
  {{- with $hpa.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}
