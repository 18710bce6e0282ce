{{/* Names and labels shared by every template. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "zenlayer-port-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' name: fullnameOverride, else the release name when it already holds the chart name, else
"release-chart". 63 characters at most (DNS label). */}}
{{- define "zenlayer-port-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "zenlayer-port-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "zenlayer-port-operator.labels" -}}
helm.sh/chart: {{ include "zenlayer-port-operator.chart" . }}
{{ include "zenlayer-port-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels the Deployment, Service and PodDisruptionBudget select pods by; never change them in an upgrade. */}}
{{- define "zenlayer-port-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zenlayer-port-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "zenlayer-port-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "zenlayer-port-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the operator's own access key: the one the chart creates, or credentials.existingSecret. */}}
{{- define "zenlayer-port-operator.credentialsSecretName" -}}
{{- if .Values.credentials.create }}
{{- printf "%s-credentials" (include "zenlayer-port-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- required "credentials.existingSecret is required: name a Secret in the release namespace holding accessKeyId and accessKeyPassword, or set credentials.create=true with credentials.accessKeyId and credentials.accessKeyPassword" .Values.credentials.existingSecret }}
{{- end }}
{{- end }}

{{/* "true" when the operator runs leader election: asked for, or more than one replica (two leaders would
reconcile the same ports). */}}
{{- define "zenlayer-port-operator.leaderElect" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{- define "zenlayer-port-operator.leaseName" -}}
{{- default (include "zenlayer-port-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}
