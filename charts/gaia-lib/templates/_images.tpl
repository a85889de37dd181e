{{/*
gaia-lib.images.image: full image reference. global.imageRegistry wins over image.registry; the tag
defaults to the chart's appVersion; a digest is appended as repository:tag@sha256:... .
Usage: {{ include "gaia-lib.images.image" (dict "image" $v.image "global" $.Values.global "appVersion" $.Chart.AppVersion) }}
*/}}
{{- define "gaia-lib.images.image" -}}
{{- $registry := coalesce (.global).imageRegistry .image.registry -}}
{{- $repository := .image.repository -}}
{{- if $registry }}{{ $repository = printf "%s/%s" $registry $repository }}{{ end -}}
{{- $reference := printf "%s:%s" $repository (toString (.image.tag | default .appVersion)) -}}
{{- if .image.digest }}{{ $reference = printf "%s@%s" $reference .image.digest }}{{ end -}}
{{- $reference -}}
{{- end -}}

{{/*
gaia-lib.images.pullSecrets: the imagePullSecrets field from global.imagePullSecrets (names or {name: ...}).
Usage: {{- with include "gaia-lib.images.pullSecrets" $ }}{{ . | nindent 6 }}{{ end }}
*/}}
{{- define "gaia-lib.images.pullSecrets" -}}
{{- with (.Values.global).imagePullSecrets -}}
imagePullSecrets:
  {{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
  {{- end }}
{{- end }}
{{- end -}}
