using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace StsPowerShell.Tests.Loading;

/// <summary>
/// One assembly of the built module folder, read as metadata only: nothing is loaded into the test process, whose
/// runtime has its own System.Text.Json and would answer for the folder's copies.
/// </summary>
internal sealed class ShippedAssembly : IDisposable
{
    private readonly PEReader pe;

    private ShippedAssembly(string path)
    {
        Path = path;
        pe = new PEReader(File.OpenRead(path));
        Reader = pe.GetMetadataReader();
        Identity = Reader.GetAssemblyDefinition().GetAssemblyName();
        References = Reader.AssemblyReferences.Select(h => Reader.GetAssemblyReference(h).GetAssemblyName()).ToArray();
    }

    public string Path { get; }

    public MetadataReader Reader { get; }

    public AssemblyName Identity { get; }

    public string Name => Identity.Name!;

    public IReadOnlyList<AssemblyName> References { get; }

    /// <summary>Every .dll of the folder, the top-level ones and dependencies/.</summary>
    public static ShippedAssembly[] All(string moduleFolder) =>
        Directory.GetFiles(moduleFolder, "*.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(p => new ShippedAssembly(p)).ToArray();

    /// <summary>Whether this is one of the files in dependencies/, which only the module's resolver finds.</summary>
    public bool IsDependency => System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(Path)) == StsPowerShell.Loading.DependencyResolver.FolderName;

    public void Dispose() => pe.Dispose();

    /// <summary>The definition of <paramref name="fullName"/> (Namespace.Name, nested types joined with '+'), if this assembly has it.</summary>
    public TypeDefinitionHandle? Find(string fullName)
    {
        foreach (var handle in Reader.TypeDefinitions)
        {
            if (FullName(handle) == fullName)
            {
                return handle;
            }
        }

        return null;
    }

    public string FullName(TypeDefinitionHandle handle)
    {
        var type = Reader.GetTypeDefinition(handle);
        var name = Reader.GetString(type.Name);
        return type.IsNested ? FullName(type.GetDeclaringType()) + "+" + name : Qualify(Reader.GetString(type.Namespace), name);
    }

    /// <summary>Public, or nested public or protected in a type that is itself visible outside the assembly.</summary>
    public bool IsVisible(TypeDefinitionHandle handle)
    {
        var type = Reader.GetTypeDefinition(handle);
        return (type.Attributes & TypeAttributes.VisibilityMask) switch
        {
            TypeAttributes.Public => true,
            TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem => IsVisible(type.GetDeclaringType()),
            _ => false,
        };
    }

    /// <summary>Decodes signatures and custom attribute values into the types they name, with the assembly of each.</summary>
    public SignatureTypeProvider Types => new(this);

    private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>A type a signature names: its assembly (empty for primitives and generic parameters) and the types inside it.</summary>
    internal sealed record NamedType(string Assembly, string Name, ImmutableArray<NamedType> Inner)
    {
        public static NamedType Nothing { get; } = new(string.Empty, string.Empty, ImmutableArray<NamedType>.Empty);

        /// <summary>This type and every type within it (generic arguments, element types, custom modifiers).</summary>
        public IEnumerable<NamedType> All() => (Name.Length > 0 ? new[] { this } : Array.Empty<NamedType>()).Concat(Inner.SelectMany(i => i.All()));

        public override string ToString() => $"{Name} ({Assembly})";
    }

    internal sealed class SignatureTypeProvider : ISignatureTypeProvider<NamedType, object?>, ICustomAttributeTypeProvider<NamedType>
    {
        private readonly ShippedAssembly assembly;

        public SignatureTypeProvider(ShippedAssembly assembly) => this.assembly = assembly;

        public NamedType Decode(EntityHandle type) => type.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(assembly.Reader, (TypeDefinitionHandle)type, 0),
            HandleKind.TypeReference => GetTypeFromReference(assembly.Reader, (TypeReferenceHandle)type, 0),
            HandleKind.TypeSpecification => GetTypeFromSpecification(assembly.Reader, null, (TypeSpecificationHandle)type, 0),
            _ => throw new ArgumentException($"{type.Kind} is not a type."),
        };

        public NamedType GetPrimitiveType(PrimitiveTypeCode typeCode) => NamedType.Nothing;

        public NamedType GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            new(assembly.Name, assembly.FullName(handle), ImmutableArray<NamedType>.Empty);

        public NamedType GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            var name = reader.GetString(reference.Name);
            var scope = reference.ResolutionScope;
            if (scope.Kind == HandleKind.TypeReference)
            {
                var outer = GetTypeFromReference(reader, (TypeReferenceHandle)scope, rawTypeKind);
                return outer with { Name = outer.Name + "+" + name };
            }

            var owner = scope.Kind == HandleKind.AssemblyReference ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name) : assembly.Name;
            return new NamedType(owner, Qualify(reader.GetString(reference.Namespace), name), ImmutableArray<NamedType>.Empty);
        }

        public NamedType GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public NamedType GetGenericInstantiation(NamedType genericType, ImmutableArray<NamedType> typeArguments) =>
            genericType with { Inner = genericType.Inner.AddRange(typeArguments) };

        public NamedType GetSZArrayType(NamedType elementType) => Wrap(elementType);

        public NamedType GetArrayType(NamedType elementType, ArrayShape shape) => Wrap(elementType);

        public NamedType GetByReferenceType(NamedType elementType) => Wrap(elementType);

        public NamedType GetPointerType(NamedType elementType) => Wrap(elementType);

        public NamedType GetPinnedType(NamedType elementType) => Wrap(elementType);

        public NamedType GetModifiedType(NamedType modifier, NamedType unmodifiedType, bool isRequired) => NamedType.Nothing with { Inner = ImmutableArray.Create(unmodifiedType, modifier) };

        public NamedType GetFunctionPointerType(MethodSignature<NamedType> signature) => NamedType.Nothing with { Inner = signature.ParameterTypes.Add(signature.ReturnType) };

        public NamedType GetGenericMethodParameter(object? genericContext, int index) => NamedType.Nothing;

        public NamedType GetGenericTypeParameter(object? genericContext, int index) => NamedType.Nothing;

        public NamedType GetSystemType() => new("netstandard", "System.Type", ImmutableArray<NamedType>.Empty);

        public bool IsSystemType(NamedType type) => type.Name == "System.Type";

        // A typeof() argument: "Namespace.Name[, Assembly, Version=…]"; without an assembly, the attribute's own or the core library.
        public NamedType GetTypeFromSerializedName(string name)
        {
            var comma = TopLevelComma(name);
            return comma < 0
                ? new NamedType(assembly.Name, name, ImmutableArray<NamedType>.Empty)
                : new NamedType(new AssemblyName(name.Substring(comma + 1).Trim()).Name!, name.Substring(0, comma).Trim(), ImmutableArray<NamedType>.Empty);
        }

        // An enum-typed attribute argument needs its size to be read. Enums of this assembly are read from its
        // metadata; others (PowerShell's, the framework's) from the test process's copies, which share them.
        public PrimitiveTypeCode GetUnderlyingEnumType(NamedType type)
        {
            if (type.Assembly == assembly.Name && assembly.Find(type.Name) is { } handle)
            {
                var valueField = assembly.Reader.GetTypeDefinition(handle).GetFields().Select(assembly.Reader.GetFieldDefinition)
                    .First(f => (f.Attributes & FieldAttributes.Static) == 0);
                // The instance field value__: its signature is FIELD then the element type, which is the primitive's code.
                return (PrimitiveTypeCode)assembly.Reader.GetBlobReader(valueField.Signature).ReadBytes(2)[1];
            }

            var runtime = Type.GetType(type.Name + ", " + type.Assembly, throwOnError: true)!;
            return Type.GetTypeCode(Enum.GetUnderlyingType(runtime)) switch
            {
                TypeCode.SByte => PrimitiveTypeCode.SByte,
                TypeCode.Byte => PrimitiveTypeCode.Byte,
                TypeCode.Int16 => PrimitiveTypeCode.Int16,
                TypeCode.UInt16 => PrimitiveTypeCode.UInt16,
                TypeCode.Int32 => PrimitiveTypeCode.Int32,
                TypeCode.UInt32 => PrimitiveTypeCode.UInt32,
                TypeCode.Int64 => PrimitiveTypeCode.Int64,
                TypeCode.UInt64 => PrimitiveTypeCode.UInt64,
                var other => throw new NotSupportedException($"{type} has the underlying type {other}."),
            };
        }

        private static NamedType Wrap(NamedType element) => NamedType.Nothing with { Inner = ImmutableArray.Create(element) };

        private static int TopLevelComma(string name)
        {
            var depth = 0;
            for (var i = 0; i < name.Length; i++)
            {
                switch (name[i])
                {
                    case '[': depth++; break;
                    case ']': depth--; break;
                    case ',' when depth == 0: return i;
                }
            }

            return -1;
        }
    }
}
