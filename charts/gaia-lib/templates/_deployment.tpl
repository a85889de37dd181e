{{/*
gaia-lib.deployment.manifest: the service's Deployment. Validates the service's values first.
Usage: {{ include "gaia-lib.deployment.manifest" . }}
*/}}
{{- define "gaia-lib.deployment.manifest" -}}
{{- include "gaia-lib.validate.service" . -}}
{{- $v := include "gaia-lib.values.merged" . | fromYaml -}}
{{- $fullname := include "gaia-lib.names.fullname" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "gaia-lib.labels.standard" . | nindent 4 }}
spec:
  {{- if not (include "gaia-lib.values.autoscaled" .) }}
  replicas: {{ $v.replicaCount | int }}
  {{- end }}
  revisionHistoryLimit: {{ $v.revisionHistoryLimit | int }}
  selector:
    matchLabels:
      {{- include "gaia-lib.labels.selector" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "gaia-lib.labels.standard" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "gaia-lib.configmap.manifest" . | sha256sum }}
        {{- /* Only a Secret made by the chart can be hashed; see README for existing Secrets. */}}
        checksum/secret: {{ toJson ((.Values.global).secrets | default dict) | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "gaia-lib.names.serviceAccount" . }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
      enableServiceLinks: false
      {{- with include "gaia-lib.images.pullSecrets" . }}{{ . | nindent 6 }}{{ end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "gaia-lib.pod.terminationGracePeriod" $v }}
      {{- with include "gaia-lib.pod.topologySpread" . }}{{ . | nindent 6 }}{{ end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "gaia-lib.images.image" (dict "image" $v.image "global" .Values.global "appVersion" .Chart.AppVersion) }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $v.port | int }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
          env:
            {{- include "gaia-lib.env.container" . | nindent 12 }}
          startupProbe:
            {{- include "gaia-lib.pod.probe" $v.probes.startup | nindent 12 }}
          readinessProbe:
            {{- include "gaia-lib.pod.probe" $v.probes.readiness | nindent 12 }}
          livenessProbe:
            {{- include "gaia-lib.pod.probe" $v.probes.liveness | nindent 12 }}
          {{- if $v.shutdown.preStopSleepSeconds }}
          lifecycle:
            # Keeps serving while endpoints and load balancers drop the pod; SIGTERM then starts the drain.
            preStop:
              sleep:
                seconds: {{ $v.shutdown.preStopSleepSeconds | int }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}
