import hashlib, hmac, urllib.parse
key_id="AKIAEMULATOREXAMPLE1"; secret="emulator/Secret+Access/Key0000000000000"
tmp_id="ASIAEMULATOREXAMPLE2"; tmp_secret="emulator/Temporary+Secret/Key000000000000"; session="IQoJb3JpZ2luX2VjEMULATOR+session/token=="
aud="//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/emulator-pool/providers/emulator-oidc"
region="us-east-1"; amz="20261122T100000Z"; date="20261122"
def token(kid, sec, sess):
    host=f"sts.{region}.amazonaws.com"
    url=f"https://{host}?Action=GetCallerIdentity&Version=2011-06-15"
    headers=[("host",host),("x-amz-date",amz)]
    if sess: headers.append(("x-amz-security-token",sess))
    headers.append(("x-goog-cloud-target-resource",aud))
    hs=sorted(headers)
    creq="\n".join(["POST","/","Action=GetCallerIdentity&Version=2011-06-15","".join(f"{k}:{v}\n" for k,v in hs),";".join(k for k,_ in hs),hashlib.sha256(b"").hexdigest()])
    scope=f"{date}/{region}/sts/aws4_request"
    sts="\n".join(["AWS4-HMAC-SHA256",amz,scope,hashlib.sha256(creq.encode()).hexdigest()])
    k=("AWS4"+sec).encode()
    for part in [date,region,"sts","aws4_request"]:
        k=hmac.new(k,part.encode(),hashlib.sha256).digest()
    sig=hmac.new(k,sts.encode(),hashlib.sha256).hexdigest()
    auth=f"AWS4-HMAC-SHA256 Credential={kid}/{scope}, SignedHeaders={';'.join(k for k,_ in hs)}, Signature={sig}"
    hl=[("Authorization",auth)]+headers
    js='{"url":"'+url+'","method":"POST","headers":['+",".join('{"key":"%s","value":"%s"}'%(k,v) for k,v in hl)+']}'
    return urllib.parse.quote(js, safe="-_.~")
print(token(key_id,secret,None)); print(token(tmp_id,tmp_secret,session))
