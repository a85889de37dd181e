{{/*
gaia-lib.networkpolicy.manifest: deny-by-default NetworkPolicy for the service's pods. Ingress on the
"http" port only from networkPolicy.ingressFrom (by default the release's gateway) and
networkPolicy.metricsFrom (Prometheus). Egress only to networkPolicy.egress (DNS, NATS),
the enabled upstreams on their ports, and networkPolicy.extraEgress. Peers may use templates.
Usage: {{ include "gaia-lib.networkpolicy.manifest" . }}
*/}}
{{- define "gaia-lib.networkpolicy.manifest" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $policy := $v.networkPolicy -}}
{{- if $policy.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "gaia-lib.names.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "gaia-lib.labels.selector" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  {{- /* A rule with an empty "from" would admit everyone, so empty peer lists add no rule. */}}
  {{- $ingress := list }}
  {{- range list $policy.ingressFrom $policy.metricsFrom }}
  {{- if . }}
  {{- $rule := dict "from" (tpl (toYaml .) $ | fromYamlArray) "ports" (list (dict "port" "http" "protocol" "TCP")) }}
  {{- $ingress = append $ingress $rule }}
  {{- end }}
  {{- end }}
  {{- $egress := tpl (toYaml ($policy.egress | default list)) $ | fromYamlArray }}
  {{- range $name, $upstream := $v.upstreams }}
  {{- if $upstream.enabled }}
  {{- $peer := dict "podSelector" (dict "matchLabels" (include "gaia-lib.labels.peer" (dict "ctx" $ "component" $name) | fromYaml)) }}
  {{- $egress = append $egress (dict "to" (list $peer) "ports" (list (dict "port" ($upstream.port | int) "protocol" "TCP"))) }}
  {{- end }}
  {{- end }}
  {{- $egress = concat $egress (tpl (toYaml ($policy.extraEgress | default list)) $ | fromYamlArray) }}
  ingress:
    {{- toYaml $ingress | nindent 4 }}
  egress:
    {{- toYaml $egress | nindent 4 }}
{{- end -}}
{{- end -}}

{{/*
gaia-lib.networkpolicy.dnsEgress: the DNS rules of networkPolicy.egress (those whose every port is
53) as a YAML list. Called from the umbrella chart it reads the library's defaults, so release-level
pods (the migrations Job, the helm test pod) resolve names exactly as the services do without taking
the rest of networkPolicy.egress (NATS).
Usage: {{- $egress := include "gaia-lib.networkpolicy.dnsEgress" . | fromYamlArray }}
*/}}
{{- define "gaia-lib.networkpolicy.dnsEgress" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $rules := list -}}
{{- range (($v.networkPolicy).egress | default list) -}}
{{- $dns := not (empty .ports) -}}
{{- range .ports -}}
{{- if ne (toString .port) "53" }}{{ $dns = false }}{{ end -}}
{{- end -}}
{{- if $dns }}{{ $rules = append $rules . }}{{ end -}}
{{- end -}}
{{- toYaml $rules -}}
{{- end -}}
