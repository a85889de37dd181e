{{/*
gaia-lib.pod.probe: a probe from the short form in values (type http|tcp, path, timings) on the
container's "http" port.
Usage: readinessProbe: {{- include "gaia-lib.pod.probe" $v.probes.readiness | nindent 12 }}
*/}}
{{- define "gaia-lib.pod.probe" -}}
{{- $probe := omit . "type" "path" -}}
{{- if eq .type "tcp" -}}
{{- $_ := set $probe "tcpSocket" (dict "port" "http") -}}
{{- else -}}
{{- $_ := set $probe "httpGet" (dict "path" .path "port" "http") -}}
{{- end -}}
{{- toYaml $probe -}}
{{- end -}}

{{/*
gaia-lib.pod.topologySpread: topologySpreadConstraints with the service's selector and
pod-template-hash filled in where a constraint leaves them out, so a rollout spreads the new pods.
Usage: {{- with include "gaia-lib.pod.topologySpread" . }}{{ . | nindent 6 }}{{ end }}
*/}}
{{- define "gaia-lib.pod.topologySpread" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $constraints := list -}}
{{- range $v.topologySpreadConstraints -}}
{{- $constraint := deepCopy . -}}
{{- if not (hasKey $constraint "labelSelector") -}}
{{- $_ := set $constraint "labelSelector" (dict "matchLabels" (include "gaia-lib.labels.selector" $ | fromYaml)) -}}
{{- end -}}
{{- if not (hasKey $constraint "matchLabelKeys") -}}
{{- $_ := set $constraint "matchLabelKeys" (list "pod-template-hash") -}}
{{- end -}}
{{- $constraints = append $constraints $constraint -}}
{{- end -}}
{{- with $constraints -}}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
gaia-lib.pod.terminationGracePeriod: preStop sleep + drain (SHUTDOWN_TIMEOUT_MS) + 10 s for closing
the bus and the database, so the kubelet never kills a pod that is still draining.
Usage: terminationGracePeriodSeconds: {{ include "gaia-lib.pod.terminationGracePeriod" $v }}
*/}}
{{- define "gaia-lib.pod.terminationGracePeriod" -}}
{{- add (.shutdown.preStopSleepSeconds | int) (.shutdown.drainSeconds | int) 10 -}}
{{- end -}}
