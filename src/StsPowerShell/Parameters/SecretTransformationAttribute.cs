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
        /// <summary>
        /// For a parameter that takes the piped object itself: declines a wrapped object that is not a string or
        /// SecureString, as an invalid cast, which PowerShell's binder skips quietly; a piped token object then binds
        /// by its properties instead of whole.
        /// </summary>
        public bool PipedSecretsOnly { get; set; }

        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            if (!(inputData is PSObject wrapped))
            {
                return inputData;
            }

            if (PipedSecretsOnly && !(wrapped.BaseObject is string) && !(wrapped.BaseObject is System.Security.SecureString))
            {
                var message = $"The value is a {wrapped.BaseObject.GetType().Name}, not a string or SecureString: give the token as one, or pipe an object that holds it in its SubjectToken or AccessToken property.";
                throw new ArgumentTransformationMetadataException(message, new PSInvalidCastException(message));
            }

            return wrapped.BaseObject;
        }
    }
}
