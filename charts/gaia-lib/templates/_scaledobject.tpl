{{/*
gaia-lib.scaledobject.manifest: KEDA ScaledObject, the alternative to the HPA (never both: see
gaia-lib.validate.service). A Prometheus trigger on autoscaling.keda.prometheus.query (a template;
the total across pods, which KEDA divides by the replica count) plus autoscaling.keda.extraTriggers.
The HPA KEDA creates keeps the service's name and autoscaling.hpa.behavior.
Usage: {{ include "gaia-lib.scaledobject.manifest" . }}
*/}}
{{- define "gaia-lib.scaledobject.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $keda := $v.autoscaling.keda -}}
{{- if $keda.enabled -}}
{{- $fullname := include "gaia-lib.names.fullname" . -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
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
  minReplicaCount: {{ $keda.minReplicaCount | int }}
  maxReplicaCount: {{ $keda.maxReplicaCount | int }}
  pollingInterval: {{ $keda.pollingInterval | int }}
  cooldownPeriod: {{ $keda.cooldownPeriod | int }}
  advanced:
    horizontalPodAutoscalerConfig:
      name: {{ $fullname }}
      {{- with $v.autoscaling.hpa.behavior }}
      behavior:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  triggers:
    - type: prometheus
      metadata:
        serverAddress: {{ $keda.prometheus.serverAddress | quote }}
        query: {{ tpl $keda.prometheus.query . | quote }}
        threshold: {{ $keda.prometheus.threshold | toString | quote }}
        {{- with $keda.prometheus.activationThreshold }}
        activationThreshold: {{ toString . | quote }}
        {{- end }}
    {{- with $keda.extraTriggers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
