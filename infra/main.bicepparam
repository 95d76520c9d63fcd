using 'main.bicep'

param namePrefix = 'functasks'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param httpAllowedHosts = []
param taskHubName = 'FuncTasksHub'

// Never commit a key: it is read from the environment at deployment time, empty means none.
param operatorKey = readEnvironmentVariable('FUNCTASKS_OPERATOR_KEY', '')
