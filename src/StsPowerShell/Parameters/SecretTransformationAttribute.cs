using System.Management.Automation;

namespace StsPowerShell.Parameters
{
    /// <summary>
    /// Takes what PowerShell passes for a secret (a string or SecureString, possibly wrapped in a PSObject, as
    /// deserialized and piped objects are) and hands the cmdlet the bare value. Values of other types pass
    /// through unchanged, so the cmdlet reports them as InvalidParameter.&lt;name&gt; about the input that carried
    /// them (see <see cref="SecretText.FromParameter"/>) instead of failing the binding of the whole pipeline.
    /// </summary>
    public sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
            inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
    }
}
