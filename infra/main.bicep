// FuncTasks on Azure Functions Flex Consumption (.NET 10 isolated worker, Durable runner).
//
// Everything authenticates with one user-assigned managed identity: the host's storage
// (AzureWebJobsStorage: blobs, queues and tables used by Durable Functions and the task store),
// the deployment package container and Application Insights. The storage account has shared-key
// access disabled and Application Insights has local (instrumentation-key) auth disabled.
//
// Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
// WEBSITE_RUN_FROM_PACKAGE and WEBSITE_CONTENT*: the runtime and the package location live in
// functionAppConfig instead, so none of them is set here.
//
// API keys: FuncTasks reads its keys from FuncTasks:Auth:Keys (app settings
// FuncTasks__Auth__Keys__<n>__Name, __Secret and __Role, role 'reader' or 'operator'). No secret is
// kept in this repository. Supply keys either
//   - after deployment (az functionapp config appsettings set ...), or
//   - as Key Vault references, e.g. FuncTasks__Auth__Keys__1__Secret =
//     @Microsoft.KeyVault(SecretUri=https://<vault>.<vault dns suffix>/secrets/<name>/), which the
//     app resolves with the same user-assigned identity (keyVaultReferenceIdentity below; grant
//     it 'Key Vault Secrets User' on the vault), or
//   - for a single operator key, through the secure parameter operatorKey (main.bicepparam reads
//     it from the FUNCTASKS_OPERATOR_KEY environment variable); it becomes key 0 and the settings
//     are left out entirely when it is empty.

targetScope = 'resourceGroup'

@description('Prefix for resource names: lowercase letters and digits only (the storage account name is built from it).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'functasks'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Most instances the Flex Consumption app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('What the http step action may call (FuncTasks:Http:AllowedHosts): host names, *.suffix wildcards, IP addresses, CIDR ranges; private and link-local addresses only through an IP or CIDR entry. Empty means loopback only.')
param httpAllowedHosts string[] = []

@description('Durable Functions task hub name (TASKHUB_NAME, used by host.json as %TASKHUB_NAME%).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'FuncTasksHub'

@description('Optional operator API key. When non-empty it is added as FuncTasks__Auth__Keys__0 with role operator; leave empty and set keys after deployment or from Key Vault.')
@secure()
param operatorKey string = ''

var suffix = uniqueString(resourceGroup().id, namePrefix)
var functionAppName = '${namePrefix}-func-${suffix}'
var planName = '${namePrefix}-plan-${suffix}'
var identityName = '${namePrefix}-id-${suffix}'
var workspaceName = '${namePrefix}-log-${suffix}'
var appInsightsName = '${namePrefix}-appi-${suffix}'
var storageAccountName = take(toLower('${namePrefix}${suffix}'), 24)
var deploymentContainerName = 'app-package'

var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoleIds = [
  roleIds.storageBlobDataOwner
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource metricsPublisherAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Host and platform settings: identity-based AzureWebJobsStorage and Entra-authenticated telemetry.
var platformSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.properties.clientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD;ClientId=${identity.properties.clientId}'
  }
]

// FuncTasks settings (configuration keys FuncTasks:*, TASKHUB_NAME for host.json).
var funcTasksSettings = [
  {
    name: 'TASKHUB_NAME'
    value: taskHubName
  }
  {
    name: 'FuncTasks__Runner__Kind'
    value: 'Durable'
  }
]

// One setting per allowed host: FuncTasks__Http__AllowedHosts__0, __1, ...
var allowedHostSettings = [
  for (host, i) in httpAllowedHosts: {
    name: 'FuncTasks__Http__AllowedHosts__${i}'
    value: host
  }
]

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(
        platformSettings,
        funcTasksSettings,
        allowedHostSettings,
        empty(operatorKey)
          ? []
          : [
              {
                name: 'FuncTasks__Auth__Keys__0__Name'
                value: 'operator'
              }
              {
                name: 'FuncTasks__Auth__Keys__0__Secret'
                value: operatorKey
              }
              {
                name: 'FuncTasks__Auth__Keys__0__Role'
                value: 'operator'
              }
            ]
      )
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  // The host reaches storage and Application Insights with the identity as soon as it starts.
  dependsOn: [
    storageRoleAssignments
    metricsPublisherAssignment
  ]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
