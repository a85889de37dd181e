{{/*
gaia.service.values: a service's effective values (library defaults + subchart defaults + overrides)
as YAML, seen from the umbrella chart.
Usage: {{- $chat := include "gaia.service.values" (dict "ctx" $ "service" "chat") | fromYaml }}
*/}}
{{- define "gaia.service.values" -}}
{{- include "gaia-lib.values.merged" (dict "Values" (index .ctx.Values .service | default dict)) -}}
{{- end -}}

{{/*
gaia.databaseUrlEnv: the DATABASE_URL env entry for release-level pods (the migrations Job), from
global.postgresql.existingSecret or the services' Secret, like the services themselves.
Usage: {{- include "gaia.databaseUrlEnv" . | nindent 12 }}
*/}}
{{- define "gaia.databaseUrlEnv" -}}
{{- $postgresql := .Values.global.postgresql -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if $postgresql.existingSecret }}
      name: {{ $postgresql.existingSecret }}
      key: {{ $postgresql.existingSecretKey }}
      {{- else }}
      name: {{ include "gaia-lib.names.secret" . }}
      key: DATABASE_URL
      {{- end }}
{{- end -}}

{{/*
gaia.migrations.enabled: "true" when the release has a migrations Job (migrations.enabled and a
service that uses the database), else "". The Job and its NetworkPolicy both render on it.
Usage: {{- if include "gaia.migrations.enabled" . }}
*/}}
{{- define "gaia.migrations.enabled" -}}
{{- if and .Values.migrations.enabled (or .Values.auth.enabled .Values.chat.enabled) }}true{{ end -}}
{{- end -}}

{{/*
gaia.tests.enabled: "true" when the release ships the helm test pod (tests.enabled and a gateway to
test), else "". The pod and its NetworkPolicy both render on it.
Usage: {{- if include "gaia.tests.enabled" . }}
*/}}
{{- define "gaia.tests.enabled" -}}
{{- if and .Values.tests.enabled .Values.gateway.enabled }}true{{ end -}}
{{- end -}}

{{/*
gaia.migrations.hook: when the migrations Job runs. pre-install needs the database and the Secret
before the release exists; the in-chart PostgreSQL and a chart-made Secret are created with the
release, so then the first run is post-install.
Usage: "helm.sh/hook": {{ include "gaia.migrations.hook" . }}
*/}}
{{- define "gaia.migrations.hook" -}}
{{- if or .Values.postgresql.enabled .Values.global.secrets.create -}}
post-install,pre-upgrade
{{- else -}}
pre-install,pre-upgrade
{{- end -}}
{{- end -}}

{{/*
gaia.podSecurity: restricted pod and container security contexts for release-level pods (NATS,
PostgreSQL, migrations, helm test), the same as the services'.
Usage: {{- include "gaia.podSecurity" (dict "ctx" $ "part" "pod") | nindent 6 }}  (part: pod or container)
*/}}
{{- define "gaia.podSecurity" -}}
{{- $defaults := index .ctx.Values "gaia-lib" -}}
{{- if eq .part "pod" -}}
{{- toYaml $defaults.podSecurityContext -}}
{{- else -}}
{{- toYaml $defaults.containerSecurityContext -}}
{{- end -}}
{{- end -}}

{{/*
gaia.validate: checks the release-wide values (dependencies, Secret, gateway upstreams, ingress) and
fails once, listing every problem. Each service checks its own values in gaia-lib.validate.service.
Usage: {{- include "gaia.validate" . }}
*/}}
{{- define "gaia.validate" -}}
{{- $problems := list -}}
{{- $global := .Values.global -}}
{{- $externalNats := or $global.nats.url $global.nats.existingSecret -}}
{{- if and .Values.nats.enabled $externalNats -}}
{{- $problems = append $problems "nats.enabled and global.nats.url/existingSecret are both set: use the in-chart NATS or an external one" -}}
{{- else if not (or .Values.nats.enabled $externalNats) -}}
{{- $problems = append $problems "no NATS: set nats.enabled=true, or global.nats.url / global.nats.existingSecret for an external one" -}}
{{- end -}}
{{- if and .Values.postgresql.enabled $global.postgresql.existingSecret -}}
{{- $problems = append $problems "postgresql.enabled and global.postgresql.existingSecret are both set: use the in-chart PostgreSQL or an external one" -}}
{{- end -}}
{{- $secrets := $global.secrets -}}
{{- if and $secrets.create $secrets.existingSecret -}}
{{- $problems = append $problems "global.secrets.create and global.secrets.existingSecret are both set: the chart either makes the Secret or uses yours" -}}
{{- end -}}
{{- if $secrets.create -}}
{{- $values := $secrets.values | default dict -}}
{{- if lt (len (toString ($values.INTERNAL_AUTH_SECRET | default ""))) 32 -}}
{{- $problems = append $problems "global.secrets.values.INTERNAL_AUTH_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)" -}}
{{- end -}}
{{- if .Values.auth.enabled -}}
{{- $auth := include "gaia.service.values" (dict "ctx" . "service" "auth") | fromYaml -}}
{{- if and (not $auth.config.SUPABASE_URL) (lt (len (toString ($values.SUPABASE_JWT_SECRET | default ""))) 32) -}}
{{- $problems = append $problems "global.secrets.values.SUPABASE_JWT_SECRET must be at least 32 characters: the local auth provider signs tokens with it (or set auth.config.SUPABASE_URL)" -}}
{{- end -}}
{{- end -}}
{{- if .Values.postgresql.enabled -}}
{{- if not (regexMatch "^[A-Za-z0-9._~-]{12,}$" (toString ($values.POSTGRES_PASSWORD | default ""))) -}}
{{- $problems = append $problems "global.secrets.values.POSTGRES_PASSWORD is required by the in-chart PostgreSQL: at least 12 URL-safe characters (letters, digits, . _ ~ -), e.g. openssl rand -hex 16" -}}
{{- end -}}
{{- else if and (or .Values.auth.enabled .Values.chat.enabled) (not $global.postgresql.existingSecret) (not $values.DATABASE_URL) -}}
{{- $problems = append $problems "global.secrets.values.DATABASE_URL is required: auth and chat need PostgreSQL (or set global.postgresql.existingSecret)" -}}
{{- end -}}
{{- end -}}
{{- if .Values.gateway.enabled -}}
{{- $gateway := include "gaia.service.values" (dict "ctx" . "service" "gateway") | fromYaml -}}
{{- range $name, $upstream := $gateway.upstreams -}}
{{- $service := index $.Values $name | default dict -}}
{{- if ne (toString $upstream.enabled) (toString ($service.enabled | default false)) -}}
{{- $problems = append $problems (printf "gateway.upstreams.%s.enabled (%v) must match %s.enabled (%v): the gateway would route to a service that is not there, or miss one that is" $name $upstream.enabled $name ($service.enabled | default false)) -}}
{{- else if $upstream.enabled -}}
{{- $effective := include "gaia.service.values" (dict "ctx" $ "service" $name) | fromYaml -}}
{{- if ne ($upstream.port | int) ($effective.port | int) -}}
{{- $problems = append $problems (printf "gateway.upstreams.%s.port %d differs from %s.port %d" $name ($upstream.port | int) $name ($effective.port | int)) -}}
{{- end -}}
{{- $serviceName := include "gaia-lib.names.fullname" (dict "Values" $effective "Release" $.Release "Chart" (dict "Name" $name)) -}}
{{- if ne ($upstream.host | default (printf "%s-%s" $.Release.Name $name)) $serviceName -}}
{{- $problems = append $problems (printf "gateway.upstreams.%s.host must be %s, the name of the %s Service" $name $serviceName $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- else if or .Values.ingress.enabled .Values.httpRoute.enabled -}}
{{- $problems = append $problems "ingress/httpRoute route to the gateway, which is disabled (gateway.enabled=false)" -}}
{{- end -}}
{{- if and .Values.httpRoute.enabled (not .Values.httpRoute.parentRefs) -}}
{{- $problems = append $problems "httpRoute.parentRefs is required with httpRoute.enabled (the Gateway to attach to)" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\ngaia values are invalid:\n  - %s" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
