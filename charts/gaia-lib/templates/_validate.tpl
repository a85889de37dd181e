{{/*
gaia-lib.validate.service: checks one service's values and fails once, listing every problem:
HPA and KEDA together, VPA acting on a resource the HPA/KEDA scales on, replica bounds, a PDB that
would block evictions, missing resources, mutable or missing images, secrets in the ConfigMap.
Usage: {{- include "gaia-lib.validate.service" . }}
*/}}
{{- define "gaia-lib.validate.service" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $problems := list -}}
{{- $hpa := $v.autoscaling.hpa -}}
{{- $keda := $v.autoscaling.keda -}}
{{- $vpa := $v.autoscaling.vpa -}}
{{- if and $hpa.enabled $keda.enabled -}}
{{- $problems = append $problems "HPA and KEDA are both enabled (autoscaling.hpa.enabled and autoscaling.keda.enabled): KEDA makes its own HPA, and two autoscalers on one Deployment fight; turn one off" -}}
{{- end -}}
{{- if $hpa.enabled -}}
{{- if lt ($hpa.minReplicas | int) 1 }}{{ $problems = append $problems "autoscaling.hpa.minReplicas must be at least 1" }}{{ end -}}
{{- if le ($hpa.maxReplicas | int) ($hpa.minReplicas | int) }}{{ $problems = append $problems "autoscaling.hpa.maxReplicas must be greater than autoscaling.hpa.minReplicas" }}{{ end -}}
{{- if not (or $hpa.targetCPUUtilizationPercentage $hpa.targetMemoryUtilizationPercentage $hpa.customMetrics) -}}
{{- $problems = append $problems "autoscaling.hpa has no metric: set targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or customMetrics" -}}
{{- end -}}
{{- end -}}
{{- if $keda.enabled -}}
{{- if le ($keda.maxReplicaCount | int) ($keda.minReplicaCount | int) }}{{ $problems = append $problems "autoscaling.keda.maxReplicaCount must be greater than autoscaling.keda.minReplicaCount" }}{{ end -}}
{{- if not (and $keda.prometheus.query (toString $keda.prometheus.threshold)) }}{{ $problems = append $problems "autoscaling.keda.prometheus.query and .threshold are required with KEDA" }}{{ end -}}
{{- end -}}
{{- if and $vpa.enabled (ne (toString $vpa.updateMode) "Off") -}}
{{- $scaled := list -}}
{{- if $hpa.enabled -}}
{{- if $hpa.targetCPUUtilizationPercentage }}{{ $scaled = append $scaled "cpu" }}{{ end -}}
{{- if $hpa.targetMemoryUtilizationPercentage }}{{ $scaled = append $scaled "memory" }}{{ end -}}
{{- end -}}
{{- if $keda.enabled -}}
{{- range $keda.extraTriggers }}{{ if has .type (list "cpu" "memory") }}{{ $scaled = append $scaled .type }}{{ end }}{{ end -}}
{{- end -}}
{{- range $vpa.controlledResources -}}
{{- if has . $scaled -}}
{{- $problems = append $problems (printf "autoscaling.vpa.updateMode %q would resize %s, which the HPA scales on: keep updateMode \"Off\" (recommendations only) or drop %s from autoscaling.vpa.controlledResources" (toString $vpa.updateMode) . .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $v.pdb.enabled -}}
{{- $min := include "gaia-lib.values.minReplicas" . | int -}}
{{- if and (kindIs "float64" $v.pdb.minAvailable) (gt $min 1) (ge ($v.pdb.minAvailable | int) $min) -}}
{{- $problems = append $problems (printf "pdb.minAvailable %d is not below the %d replicas the service may run with: it would block every eviction (node drains, upgrades)" ($v.pdb.minAvailable | int) $min) -}}
{{- end -}}
{{- if and (kindIs "invalid" $v.pdb.minAvailable) (eq (toString $v.pdb.maxUnavailable) "0") -}}
{{- $problems = append $problems "pdb.maxUnavailable 0 would block every eviction" -}}
{{- end -}}
{{- end -}}
{{- $requests := $v.resources.requests | default dict -}}
{{- if not (and $requests.cpu $requests.memory ($v.resources.limits | default dict).memory) -}}
{{- $problems = append $problems "resources need requests.cpu, requests.memory and limits.memory (the HPA's utilisation targets are relative to the requests)" -}}
{{- end -}}
{{- if not $v.image.repository }}{{ $problems = append $problems "image.repository is required" }}{{ end -}}
{{- if eq (toString $v.image.tag) "latest" }}{{ $problems = append $problems "image.tag \"latest\" is mutable: pin a version (or leave it empty for the chart's appVersion)" }}{{ end -}}
{{- if not (and (gt ($v.port | int) 0) (lt ($v.port | int) 65536)) }}{{ $problems = append $problems "port must be between 1 and 65535" }}{{ end -}}
{{- range $key, $_ := $v.config -}}
{{- if regexMatch "(SECRET|PASSWORD|TOKEN|_KEY|DATABASE_URL)$" $key -}}
{{- $problems = append $problems (printf "config.%s looks like a secret: put it in the Secret and list it in secretEnv, never in the ConfigMap" $key) -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n%s values are invalid:\n  - %s" .Chart.Name (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
