/**
 * A local serverless plugin that keeps the stack well under CloudFormation's 500 resources without
 * widening any permission. It runs after serverless-iam-roles-per-function, on the compiled template:
 *
 * - One log group for every function (`/aws/lambda/<service>-<stage>`, Lambda's LoggingConfig) instead of
 *   one each: log streams carry the function's name, the retention is the provider's, and each role may
 *   write only there.
 * - With tracing on, every role may write X-Ray segments (the per-function roles lose the provider's).
 * - Functions whose roles hold exactly the same statements share one role. A function's permissions stay
 *   exactly what serverless.yml lists for it (test/deploy.test.ts asserts them through each function's
 *   own Role).
 *
 * - No DependsOn that a reference already implies.
 *
 * Packaging only: serverless offline never compiles the template.
 */
const { createHash } = require('node:crypto');

const sortDeep = (value) => {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortDeep(value[k])]));
  return value;
};

/** A statement with its actions in a fixed order, so equal permissions compare equal. */
const canonicalStatement = (s) => ({ ...s, Action: [].concat(s.Action).slice().sort() });

class CompactTemplate {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.compact() };
  }

  compact() {
    const service = this.serverless.service;
    const provider = this.serverless.getProvider('aws');
    const naming = provider.naming;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const groupName = `/aws/lambda/${service.service}-${provider.getStage()}`;
    const tracing = Boolean(service.provider.tracing?.lambda);
    const groupArn = { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${groupName}:*` };

    // 1. One log group.
    const functionIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function');
    const perFunctionGroups = new Set(service.getAllFunctions().map((name) => naming.getLogGroupLogicalId(name)));
    for (const id of perFunctionGroups) delete resources[id];
    resources.FunctionsLogGroup = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: groupName, ...(service.provider.logRetentionInDays ? { RetentionInDays: service.provider.logRetentionInDays } : {}) },
    };
    for (const id of functionIds) {
      const fn = resources[id];
      fn.Properties.LoggingConfig = { ...fn.Properties.LoggingConfig, LogGroup: { Ref: 'FunctionsLogGroup' } };
      fn.DependsOn = [...new Set([].concat(fn.DependsOn ?? []).map((d) => (perFunctionGroups.has(d) ? 'FunctionsLogGroup' : d)))];
    }
    const roleIds = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::IAM::Role');
    for (const id of roleIds) {
      for (const policy of resources[id].Properties.Policies ?? []) {
        const statements = policy.PolicyDocument.Statement;
        const rest = statements.filter((s) => ![].concat(s.Action).some((a) => typeof a === 'string' && a.startsWith('logs:')));
        // Per-function roles are copies without the provider's X-Ray statement: traces need it back.
        const xray = tracing && !rest.some((s) => [].concat(s.Action).includes('xray:PutTraceSegments'))
          ? [{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]
          : [];
        policy.PolicyDocument.Statement = [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [groupArn] }, ...rest, ...xray];
      }
    }

    // 2. One role per distinct set of statements (the provider's default role stays as it is).
    const defaultRole = naming.getRoleLogicalId();
    const keyOf = (role) =>
      JSON.stringify(sortDeep({
        statements: (role.Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement).map(canonicalStatement),
        managed: role.Properties.ManagedPolicyArns ?? [],
        boundary: role.Properties.PermissionsBoundary ?? null,
        trust: role.Properties.AssumeRolePolicyDocument,
      }));
    const groups = new Map();
    for (const id of roleIds.filter((r) => r !== defaultRole)) {
      const key = keyOf(resources[id]);
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    const rename = new Map();
    for (const [key, ids] of groups) {
      if (ids.length < 2) continue;
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
      const sharedId = `IamRoleShared${hash}`;
      const role = resources[ids[0]];
      role.Properties.RoleName = `${service.service}-${provider.getStage()}-${provider.getRegion()}-${hash}`;
      for (const policy of role.Properties.Policies ?? []) policy.PolicyName = `${service.service}-${provider.getStage()}-${hash}`;
      resources[sharedId] = role;
      for (const id of ids) {
        delete resources[id];
        rename.set(id, sharedId);
      }
    }
    for (const id of functionIds) {
      const fn = resources[id];
      const roleRef = fn.Properties.Role?.['Fn::GetAtt'];
      if (roleRef && rename.has(roleRef[0])) fn.Properties.Role = { 'Fn::GetAtt': [rename.get(roleRef[0]), 'Arn'] };
      fn.DependsOn = [...new Set(fn.DependsOn.map((d) => rename.get(d) ?? d))];
    }

    // 3. No DependsOn that a Ref or GetAtt already implies (cfn-lint W3005 on every function and route).
    for (const resource of Object.values(resources)) {
      if (!resource.DependsOn) continue;
      const referenced = new Set();
      const walk = (v) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          if (typeof v.Ref === 'string') referenced.add(v.Ref);
          if (Array.isArray(v['Fn::GetAtt'])) referenced.add(v['Fn::GetAtt'][0]);
          Object.values(v).forEach(walk);
        }
      };
      walk(resource.Properties);
      const kept = [].concat(resource.DependsOn).filter((d) => !referenced.has(d));
      if (kept.length === 0) delete resource.DependsOn;
      else resource.DependsOn = kept;
    }
  }
}

module.exports = CompactTemplate;
