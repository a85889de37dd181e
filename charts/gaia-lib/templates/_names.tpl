{{/*
gaia-lib.names.name: the service's name (nameOverride or the chart name), DNS-safe.
Usage: {{ include "gaia-lib.names.name" . }}
*/}}
{{- define "gaia-lib.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
gaia-lib.names.fullname: name shared by the service's Deployment, Service, HPA, PDB, ... :
<release>-<name> (always, so siblings can compute it), or fullnameOverride. At most 63 characters.
Usage: {{ include "gaia-lib.names.fullname" . }}
*/}}
{{- define "gaia-lib.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "gaia-lib.names.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
gaia-lib.names.component: name of a release-level component such as nats or postgresql: <release>-<component>.
Usage: {{ include "gaia-lib.names.component" (dict "ctx" $ "component" "nats") }}
*/}}
{{- define "gaia-lib.names.component" -}}
{{- printf "%s-%s" .ctx.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
gaia-lib.names.chart: <chart>-<version> for the helm.sh/chart label.
Usage: {{ include "gaia-lib.names.chart" . }}
*/}}
{{- define "gaia-lib.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
gaia-lib.names.serviceAccount: the service's ServiceAccount (serviceAccount.name, else the fullname).
Usage: {{ include "gaia-lib.names.serviceAccount" . }}
*/}}
{{- define "gaia-lib.names.serviceAccount" -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- default (include "gaia-lib.names.fullname" .) $v.serviceAccount.name -}}
{{- end -}}

{{/*
gaia-lib.names.secret: the Secret every service reads its secret variables from
(global.secrets.existingSecret, else <release>-secrets, which secrets.create makes).
Usage: {{ include "gaia-lib.names.secret" . }}
*/}}
{{- define "gaia-lib.names.secret" -}}
{{- $secrets := (.Values.global).secrets | default dict -}}
{{- default (printf "%s-secrets" .Release.Name) $secrets.existingSecret -}}
{{- end -}}
