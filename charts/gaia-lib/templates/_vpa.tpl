{{/*
gaia-lib.vpa.manifest: VerticalPodAutoscaler (autoscaling.k8s.io/v1), recommendation-only
(updateMode "Off") by default. gaia-lib.validate.service refuses any other mode that would act on a
resource the HPA or KEDA scales on.
Usage: {{ include "gaia-lib.vpa.manifest" . }}
*/}}
{{- define "gaia-lib.vpa.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $vpa := $v.autoscaling.vpa -}}
{{- if $vpa.enabled -}}
{{- $fullname := include "gaia-lib.names.fullname" . -}}
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  updatePolicy:
    updateMode: {{ $vpa.updateMode | quote }}
  resourcePolicy:
    containerPolicies:
      - containerName: {{ .Chart.Name }}
        controlledResources:
          {{- toYaml $vpa.controlledResources | nindent 10 }}
        controlledValues: {{ $vpa.controlledValues }}
        {{- with $vpa.minAllowed }}
        minAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- with $vpa.maxAllowed }}
        maxAllowed:
          {{- toYaml . | nindent 10 }}
        {{- end }}
{{- end -}}
{{- end -}}
