{{/*
gaia-lib.values.merged: a service's effective values as YAML: the library's defaults
(charts/gaia-lib/values.yaml, which Helm hands every subchart under the key "gaia-lib") overlaid by
the subchart's own values. Maps merge key by key; anything else, false and 0 included, replaces the
default; an empty map ({}) clears a default map.
Usage: {{- $v := include "gaia-lib.values.merged" . | fromYaml }}
*/}}
{{- define "gaia-lib.values.merged" -}}
{{- $merged := deepCopy (index .Values "gaia-lib" | default dict) -}}
{{- include "gaia-lib.values.overlay" (dict "dst" $merged "src" (omit .Values "gaia-lib")) -}}
{{- toYaml (omit $merged "global") -}}
{{- end -}}

{{/*
gaia-lib.values.overlay: writes .src over .dst in place (see gaia-lib.values.merged); renders nothing.
Usage: {{- include "gaia-lib.values.overlay" (dict "dst" $defaults "src" $overrides) }}
*/}}
{{- define "gaia-lib.values.overlay" -}}
{{- $dst := .dst -}}
{{- range $key, $value := .src -}}
{{- $current := get $dst $key -}}
{{- if and (kindIs "map" $value) $value (kindIs "map" $current) -}}
{{- include "gaia-lib.values.overlay" (dict "dst" $current "src" $value) -}}
{{- else if not (kindIs "invalid" $value) -}}
{{- $_ := set $dst $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
gaia-lib.values.autoscaled: "true" when an HPA or a KEDA ScaledObject owns the replica count, else "".
Usage: {{- if include "gaia-lib.values.autoscaled" . }}
*/}}
{{- define "gaia-lib.values.autoscaled" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- if or $v.autoscaling.hpa.enabled $v.autoscaling.keda.enabled }}true{{ end -}}
{{- end -}}

{{/*
gaia-lib.values.minReplicas: the fewest replicas the service runs with (HPA minReplicas, KEDA
minReplicaCount or replicaCount); the PDB is rendered only when this is above 1.
Usage: {{ include "gaia-lib.values.minReplicas" . | int }}
*/}}
{{- define "gaia-lib.values.minReplicas" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $scaling := $v.autoscaling -}}
{{- if $scaling.hpa.enabled -}}{{ $scaling.hpa.minReplicas | int }}
{{- else if $scaling.keda.enabled -}}{{ $scaling.keda.minReplicaCount | int }}
{{- else -}}{{ $v.replicaCount | int }}
{{- end -}}
{{- end -}}
